package dev.chat.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.UserConnected;
import dev.chat.domain.model.UserDisconnected;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RoomEventCodecTest {
    private final RoomEventCodec codec = new RoomEventCodec();
    private final RoomName room = RoomName.of("dev");
    private final Nickname amy = new Nickname("AmyAnt");

    @Test
    void givenMessageWithAwkwardText_itSurvivesTheRoundTrip() {
        ChatMessage message = new ChatMessage(
                room,
                42,
                "id-1",
                amy,
                "quote \" backslash \\ newline \n <b>tag</b> 😀",
                Instant.parse("2026-11-25T10:15:30.120Z"));

        assertThat(codec.decode(codec.message(message))).isEqualTo(message);
    }

    @Test
    void givenPresenceEvents_theySurviveTheRoundTrip() {
        assertThat(codec.decode(codec.presence(new UserConnected(room, amy)))).isEqualTo(new UserConnected(room, amy));
        assertThat(codec.decode(codec.presence(new UserDisconnected(room, amy))))
                .isEqualTo(new UserDisconnected(room, amy));
    }

    @Test
    void givenTheSameMessagePayloadAgain_itIsNotDecodedAgain() {
        ChatMessage message = new ChatMessage(room, 7, "id-7", amy, "hello", Instant.parse("2026-11-25T10:15:30Z"));
        String payload = codec.message(message);

        RoomEventCodec.Received first = codec.receive(payload);

        assertThat(codec.receive(new String(payload))).isSameAs(first); // an equal payload read anew from Redis
        assertThat(first.event()).isEqualTo(message);
    }

    @Test
    void givenTwoPayloadsOfTheSameSeq_eachDecodesToItsOwnMessage() {
        // a room whose data Redis lost starts again at seq 1: what is kept is found by the whole payload, not its seq
        Instant time = Instant.parse("2026-11-25T10:15:30Z");
        ChatMessage before = new ChatMessage(room, 1, "id-a", amy, "before", time);
        ChatMessage after = new ChatMessage(room, 1, "id-b", amy, "after", time);

        assertThat(codec.decode(codec.message(before))).isEqualTo(before);
        assertThat(codec.decode(codec.message(after))).isEqualTo(after);
    }

    @Test
    void givenPresencePayloads_theyAreDecodedEachTime() {
        String payload = codec.presence(new UserConnected(room, amy));

        assertThat(codec.receive(payload)).isNotSameAs(codec.receive(payload));
        assertThat(codec.decodedChars()).isZero();
    }

    @Test
    void givenMorePayloadsThanTheBound_whatIsKeptStaysWithinIt() {
        String text = "x".repeat(3_900);
        for (int seq = 1; seq <= 1_000; seq++) { // about 8 MB counted, twice the bound
            codec.receive(codec.message(new ChatMessage(room, seq, "id-" + seq, amy, text, Instant.EPOCH)));
        }

        assertThat(codec.decodedChars()).isPositive().isLessThanOrEqualTo(RoomEventCodec.MAX_DECODED_CHARS);
    }

    @Test
    void givenAPayloadThatStartsLikeAMessageButIsNotOne_itIsRefusedEachTime() {
        String broken = "{\"t\":\"m\",\"seq\":";

        assertThatThrownBy(() -> codec.receive(broken)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.receive(broken)).isInstanceOf(IllegalArgumentException.class);
        assertThat(codec.decodedChars()).isZero();
    }
}
