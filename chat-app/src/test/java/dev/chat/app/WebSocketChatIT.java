package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.app.support.RunningChat;
import dev.chat.app.support.WsTestClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The chat over WebSocket, end to end: a real server on a free port and real java.net.http clients. Without a
 * reconnect grace, so a closed connection is a departure at once (WebSocketResumeIT covers the grace).
 */
class WebSocketChatIT {
    private final RunningChat chat = RunningChat.start(RunningChat.withGrace(ChatConfig.defaults(0), Duration.ZERO));

    @AfterEach
    void stop() {
        chat.close();
    }

    @Test
    void givenTwoClients_eachGetsWelcomeAndActiveUsers_andTheFirstIsToldTheSecondConnected() {
        WsTestClient alice = chat.client();
        JsonNode welcome = alice.welcome();
        JsonNode aliceUsers = alice.await("activeUsers");
        WsTestClient bob = chat.client();

        assertThat(welcome.path("user").textValue()).matches("[A-Z][A-Za-z]+\\d*");
        assertThat(welcome.path("session").textValue()).hasSizeGreaterThanOrEqualTo(16);
        assertThat(texts(welcome.path("rooms"))).containsExactly("general");
        assertThat(aliceUsers.path("room").textValue()).isEqualTo("general");
        assertThat(texts(aliceUsers.path("users"))).containsExactly(alice.nickname());
        assertThat(alice.await("userConnected").path("user").textValue()).isEqualTo(bob.nickname());
        assertThat(texts(bob.await("activeUsers").path("users")))
                .containsExactlyElementsOf(List.of(alice.nickname(), bob.nickname()).stream()
                        .sorted()
                        .toList());
        assertThat(bob.events().get(0).path("event").textValue()).isEqualTo("welcome");
        assertThat(bob.events().get(1).path("event").textValue()).isEqualTo("activeUsers");
    }

    @Test
    void givenMessage_everyMemberIncludingTheSenderGetsIt_withSeqIdAndTime_andTheSenderAnAck() {
        WsTestClient alice = chat.client();
        WsTestClient bob = chat.client();
        alice.await("userConnected");

        alice.sendMessage("general", "hello <b>world</b>", "r1");
        alice.sendMessage("general", "second", "r2");

        for (WsTestClient member : List.of(alice, bob)) {
            JsonNode first = member.await("message");
            JsonNode second = member.await("message");
            assertThat(first.path("room").textValue()).isEqualTo("general");
            assertThat(first.path("user").textValue()).isEqualTo(alice.nickname());
            assertThat(first.path("text").textValue()).isEqualTo("hello <b>world</b>");
            assertThat(first.path("id").textValue())
                    .isNotBlank()
                    .isNotEqualTo(second.path("id").textValue());
            assertThat(Instant.parse(first.path("time").textValue())).isBeforeOrEqualTo(Instant.now());
            assertThat(first.path("time").textValue()).endsWith("Z");
            assertThat(second.path("seq").longValue())
                    .isEqualTo(first.path("seq").longValue() + 1);
        }
        JsonNode ack = alice.await("ack", data -> "r1".equals(data.path("ref").textValue()));
        assertThat(ack.path("room").textValue()).isEqualTo("general");
        assertThat(ack.path("seq").longValue()).isEqualTo(1);
        assertThat(bob.events("ack")).isEmpty();
    }

    @Test
    void givenTwoRooms_messagesReachOnlyTheRoomsMembers() {
        WsTestClient alice = chat.client();
        WsTestClient bob = chat.client();
        alice.join("dev");
        alice.await("activeUsers", data -> "dev".equals(data.path("room").textValue()));

        alice.sendMessage("dev", "dev only", "d1");
        alice.await("message", data -> "dev".equals(data.path("room").textValue()));
        alice.sendMessage("general", "for everyone", "g1");

        bob.await("message", data -> "general".equals(data.path("room").textValue()));
        assertThat(bob.events("message"))
                .extracting(m -> m.path("room").textValue())
                .containsOnly("general");
    }

    @Test
    void givenJoinAndLeave_membersSeeUserConnectedAndUserDisconnected_andTheJoinerGetsTheRoomsMembers() {
        WsTestClient alice = chat.client();
        WsTestClient bob = chat.client();
        alice.join("dev");
        assertThat(texts(alice.await("activeUsers", inRoom("dev")).path("users")))
                .containsExactly(alice.nickname());

        bob.sendJson(Map.of("event", "join", "data", Map.of("room", "dev", "ref", "j1")));

        JsonNode bobView = bob.await("activeUsers", inRoom("dev"));
        assertThat(texts(bobView.path("users"))).containsExactlyInAnyOrder(alice.nickname(), bob.nickname());
        assertThat(bob.await("ack", data -> "j1".equals(data.path("ref").textValue()))
                        .path("room")
                        .textValue())
                .isEqualTo("dev");
        assertThat(alice.await("userConnected", inRoom("dev")).path("user").textValue())
                .isEqualTo(bob.nickname());

        bob.leave("dev");

        assertThat(alice.await("userDisconnected", inRoom("dev")).path("user").textValue())
                .isEqualTo(bob.nickname());
        assertThat(alice.events("userDisconnected")).noneMatch(inRoom("general"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "not json at all                                                     | malformed_json   |",
                "[\"message\"]                                                        | invalid_envelope |",
                "{\"event\":\"shout\",\"data\":{\"ref\":\"e1\"}}                      | unknown_event    | e1",
                "{\"event\":\"message\",\"data\":{\"ref\":\"e2\"}}                    | invalid_field    | e2",
                "{\"event\":\"message\",\"data\":{\"text\":[1],\"ref\":\"e3\"}}       | invalid_field    | e3",
                "{\"event\":\"message\",\"data\":{\"text\":\"\",\"ref\":\"e4\"}}      | empty_text       | e4",
                "{\"event\":\"message\",\"data\":{\"text\":\" \\n\\t \",\"ref\":\"e5\"}} | empty_text    | e5",
                "{\"event\":\"join\",\"data\":{\"room\":\"No Spaces!\",\"ref\":\"e6\"}} | invalid_room   | e6",
                "{\"event\":\"leave\",\"data\":{\"room\":\"elsewhere\",\"ref\":\"e7\"}} | not_in_room    | e7",
                "{\"event\":\"message\",\"data\":{\"text\":\"hi\",\"room\":\"elsewhere\"}} | not_in_room |",
            })
    void givenBadInput_theSenderGetsAnErrorWithItsCode_keepsItsConnection_andOthersAreUndisturbed(
            String frame, String code, String ref) {
        WsTestClient alice = chat.client();
        WsTestClient bob = chat.client();
        alice.await("userConnected");

        alice.send(frame);

        JsonNode error = alice.await("error");
        assertThat(error.path("code").textValue()).isEqualTo(code);
        assertThat(error.path("message").textValue()).isNotBlank();
        assertThat(error.path("ref").textValue()).isEqualTo(ref);
        alice.sendMessage("general", "still here", "ok");
        assertThat(bob.await("message").path("text").textValue()).isEqualTo("still here");
        assertThat(alice.await("message").path("text").textValue()).isEqualTo("still here");
        assertThat(bob.events("error")).isEmpty();
        assertThat(alice.events("message")).hasSize(1);
    }

    @Test
    void givenTextOverTheLimit_itIsRefusedWithTextTooLong_butTheLimitItselfIsAccepted() {
        WsTestClient alice = chat.client();
        alice.welcome();

        alice.sendMessage("general", "x".repeat(4_001), "long");
        alice.sendMessage("general", "y".repeat(4_000), "max");

        assertThat(alice.await("error").path("code").textValue()).isEqualTo("text_too_long");
        assertThat(alice.await("message").path("text").textValue()).hasSize(4_000);
    }

    @Test
    void givenBinaryFrame_itIsRefusedAndTheConnectionKeepsWorking() {
        WsTestClient alice = chat.client();
        alice.welcome();

        alice.sendBinary(new byte[] {1, 2, 3});
        alice.sendMessage("general", "text works", "t");

        assertThat(alice.await("error").path("code").textValue()).isEqualTo("invalid_envelope");
        assertThat(alice.await("message").path("text").textValue()).isEqualTo("text works");
    }

    @Test
    void givenFrameOver64KiB_onlyThatConnectionIsClosedWith1009_andOthersCarryOn() {
        WsTestClient alice = chat.client();
        WsTestClient bob = chat.client();
        WsTestClient carol = chat.client();
        alice.await(
                "userConnected", data -> bob.nickname().equals(data.path("user").textValue()));

        bob.send("{\"event\":\"message\",\"data\":{\"text\":\"" + "z".repeat(65 * 1024) + "\"}}");

        assertThat(bob.awaitCloseCode()).isEqualTo(1009);
        assertThat(alice.await("userDisconnected").path("user").textValue()).isEqualTo(bob.nickname());
        carol.sendMessage("general", "after the big one", "c1");
        assertThat(alice.await("message").path("text").textValue()).isEqualTo("after the big one");
    }

    @Test
    void givenClientDisconnects_everyRoomItWasInIsToldUserDisconnected() {
        WsTestClient alice = chat.client();
        WsTestClient bob = chat.client();
        alice.join("dev");
        alice.await("activeUsers", inRoom("dev"));
        bob.join("dev");
        alice.await("userConnected", inRoom("dev"));
        String bobName = bob.nickname();

        bob.close();

        assertThat(alice.await("userDisconnected", inRoom("general"))
                        .path("user")
                        .textValue())
                .isEqualTo(bobName);
        assertThat(alice.await("userDisconnected", inRoom("dev")).path("user").textValue())
                .isEqualTo(bobName);
    }

    @Test
    void givenHundredConcurrentClients_allNicknamesAreUnique() {
        List<WsTestClient> clients = chat.clients(100);

        List<String> names = clients.stream().map(WsTestClient::nickname).toList();

        assertThat(names).hasSize(100).doesNotHaveDuplicates();
    }

    @Test
    void givenDisallowedOrigin_theUpgradeIsRefusedWith403_whileLocalhostOriginsConnect() {
        Throwable refused = catchThrowable(() -> chat.client(Map.of("Origin", "https://evil.example"), true));

        WebSocketHandshakeException handshake = causeOfType(refused, WebSocketHandshakeException.class);
        assertThat(handshake.getResponse().statusCode()).isEqualTo(403);
        assertThat(chat.client(Map.of("Origin", "http://localhost:3000"), true).welcome())
                .isNotNull();
    }

    @Test
    void healthAnswers200WithJson() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(chat.httpUri("/health")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(response.body()).contains("\"status\":\"ok\"");
    }

    @Test
    void givenServerStops_clientsAreClosedWith1001() {
        WsTestClient alice = chat.client();
        alice.welcome();

        chat.server().stop();

        assertThat(alice.awaitCloseCode()).isEqualTo(1001);
    }

    private static Predicate<JsonNode> inRoom(String room) {
        return data -> room.equals(data.path("room").textValue());
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false)
                .map(JsonNode::textValue)
                .toList();
    }

    private static <T extends Throwable> T causeOfType(Throwable throwable, Class<T> type) {
        for (Throwable cause = throwable; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in the causes of " + throwable, throwable);
    }
}
