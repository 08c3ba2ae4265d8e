package dev.chat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chat.domain.model.Ack;
import dev.chat.domain.model.ActiveUsers;
import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.ErrorEvent;
import dev.chat.domain.model.MembersPage;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.NotRecovered;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.model.PresenceChange;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.RoomPosition;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.model.UserConnected;
import dev.chat.domain.model.UserDisconnected;
import dev.chat.domain.model.Welcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonEventEncoderTest {
    private static final RoomName DEV = RoomName.of("dev");
    private static final Nickname AMY = new Nickname("AmyAnt");

    private final JsonEventEncoder encoder = new JsonEventEncoder();

    @Test
    void givenMessage_itEncodesAllFieldsInTheEnvelope() {
        ChatMessage message = new ChatMessage(DEV, 7, "abc", AMY, "hi", Instant.parse("2026-11-25T10:15:30.120Z"));

        OutboundEvent encoded = encoder.encode(message);

        assertThat(encoded.name()).isEqualTo("message");
        assertThat(encoded.dataJson())
                .isEqualTo("{\"room\":\"dev\",\"seq\":7,\"id\":\"abc\",\"user\":\"AmyAnt\",\"text\":\"hi\","
                        + "\"time\":\"2026-11-25T10:15:30.120Z\"}");
        assertThat(encoded.envelopeJson()).isEqualTo("{\"event\":\"message\",\"data\":" + encoded.dataJson() + "}");
        assertThat(encoded.event()).isSameAs(message);
    }

    @Test
    void givenTextWithQuotesControlCharsMarkupAndEmoji_itRoundTripsExactly() throws Exception {
        String text = "quote \" backslash \\ newline \n tab \t <img src=x onerror=alert(1)> \u0001 😀 \u2028";
        ChatMessage message = new ChatMessage(DEV, 1, "id", AMY, text, Instant.EPOCH);

        JsonNode parsed = new ObjectMapper().readTree(encoder.encode(message).envelopeJson());

        assertThat(parsed.path("data").path("text").textValue()).isEqualTo(text);
    }

    @Test
    void givenLongMemberListsEncodedAgainAndAgain_eachSnapshotListsItsOwnNamesWithItsOwnCount() throws Exception {
        List<List<Nickname>> lists = new ArrayList<>();
        for (int list = 0; list < 40; list++) { // more lists than the encoder keeps: some share its places
            List<Nickname> names = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                names.add(new Nickname("List" + list + "Name" + i));
            }
            lists.add(List.copyOf(names));
        }
        ObjectMapper json = new ObjectMapper();

        for (int round = 0; round < 3; round++) {
            for (int list = 0; list < lists.size(); list++) {
                int count = 1_000 * round + list;
                ActiveUsers snapshot =
                        new ActiveUsers(DEV, lists.get(list), new RoomPosition("ep0ch", 3), count, false);

                JsonNode data =
                        json.readTree(encoder.encode(snapshot).envelopeJson()).path("data");

                assertThat(data.path("users"))
                        .extracting(JsonNode::textValue)
                        .containsExactlyElementsOf(
                                lists.get(list).stream().map(Nickname::value).toList());
                assertThat(data.path("count").intValue()).isEqualTo(count);
                assertThat(data.path("epoch").textValue()).isEqualTo("ep0ch");
            }
        }
    }

    @Test
    void givenEachOtherEvent_itHasItsWireNameAndFields() {
        SessionToken token = SessionToken.generate();
        assertThat(encoder.encode(new Welcome(AMY, token, List.of(RoomName.GENERAL), true))
                        .envelopeJson())
                .isEqualTo("{\"event\":\"welcome\",\"data\":{\"user\":\"AmyAnt\",\"session\":\"" + token.value()
                        + "\",\"rooms\":[\"general\"],\"resumed\":true}}");
        assertThat(encoder.encode(new ActiveUsers(DEV, List.of(AMY, new Nickname("Bo")), new RoomPosition("ep0ch", 12)))
                        .envelopeJson())
                .isEqualTo("{\"event\":\"activeUsers\",\"data\":{\"room\":\"dev\",\"users\":[\"AmyAnt\",\"Bo\"],"
                        + "\"epoch\":\"ep0ch\",\"seq\":12,\"count\":2,\"complete\":true}}");
        assertThat(encoder.encode(new ActiveUsers(DEV, List.of(AMY), new RoomPosition("ep0ch", 12), 20_000, false))
                        .dataJson())
                .isEqualTo("{\"room\":\"dev\",\"users\":[\"AmyAnt\"],\"epoch\":\"ep0ch\",\"seq\":12,"
                        + "\"count\":20000,\"complete\":false}");
        assertThat(encoder.encode(new MembersPage(DEV, List.of(AMY, new Nickname("Bo")), new Nickname("Bo"), "m1"))
                        .envelopeJson())
                .isEqualTo("{\"event\":\"members\",\"data\":{\"room\":\"dev\",\"users\":[\"AmyAnt\",\"Bo\"],"
                        + "\"next\":\"Bo\",\"ref\":\"m1\"}}");
        assertThat(encoder.encode(new PresenceChange(DEV, 20_001, List.of(AMY), List.of(new Nickname("Bo"))))
                        .envelopeJson())
                .isEqualTo("{\"event\":\"presence\",\"data\":{\"room\":\"dev\",\"count\":20001,"
                        + "\"joined\":[\"AmyAnt\"],\"left\":[\"Bo\"]}}");
        assertThat(encoder.encode(new MembersPage(DEV, List.of(), null, null)).dataJson())
                .isEqualTo("{\"room\":\"dev\",\"users\":[]}");
        assertThat(encoder.encode(new NotRecovered(DEV, NotRecovered.Reason.HISTORY_TRIMMED))
                        .envelopeJson())
                .isEqualTo("{\"event\":\"notRecovered\",\"data\":{\"room\":\"dev\",\"reason\":\"history_trimmed\"}}");
        assertThat(encoder.encode(new UserConnected(DEV, AMY)).envelopeJson())
                .isEqualTo("{\"event\":\"userConnected\",\"data\":{\"room\":\"dev\",\"user\":\"AmyAnt\"}}");
        assertThat(encoder.encode(new UserDisconnected(DEV, AMY)).envelopeJson())
                .isEqualTo("{\"event\":\"userDisconnected\",\"data\":{\"room\":\"dev\",\"user\":\"AmyAnt\"}}");
        assertThat(encoder.encode(new Ack("r1", DEV, 3)).envelopeJson())
                .isEqualTo("{\"event\":\"ack\",\"data\":{\"ref\":\"r1\",\"room\":\"dev\",\"seq\":3}}");
        assertThat(encoder.encode(new Ack(null, DEV, 3)).dataJson()).isEqualTo("{\"room\":\"dev\",\"seq\":3}");
        assertThat(encoder.encode(new ErrorEvent(ErrorCode.NOT_IN_ROOM, "nope", "r2"))
                        .envelopeJson())
                .isEqualTo(
                        "{\"event\":\"error\",\"data\":{\"code\":\"not_in_room\",\"message\":\"nope\",\"ref\":\"r2\"}}");
        assertThat(encoder.encode(new ErrorEvent(ErrorCode.INTERNAL, "oops", null))
                        .dataJson())
                .isEqualTo("{\"code\":\"internal\",\"message\":\"oops\"}");
    }
}
