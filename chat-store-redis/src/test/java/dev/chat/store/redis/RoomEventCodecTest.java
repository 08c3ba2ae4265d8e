package dev.chat.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

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
}
