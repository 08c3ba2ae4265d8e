package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.app.support.EventLog;
import dev.chat.app.support.HttpSender;
import dev.chat.app.support.RunningChat;
import dev.chat.app.support.SseTestClient;
import dev.chat.app.support.WsTestClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The chat over Server-Sent Events plus HTTP sending, beside WebSocket users, with a real server and clients. */
class SseChatIT {
    private final RunningChat chat = RunningChat.start(RunningChat.withGrace(ChatConfig.defaults(0), Duration.ZERO)
            .withConnections(
                    new ChatConfig.Connections(64 * 1024, 1024 * 1024, Duration.ofSeconds(1), Duration.ofSeconds(5))));
    private final HttpSender sender = chat.sender();

    @AfterEach
    void stop() {
        chat.close();
    }

    @Test
    void givenWebSocketAndSseUsers_theySeeEachOtherArrive_chat_andLeave() {
        WsTestClient alice = chat.client();
        SseTestClient bob = chat.sseClient();

        assertThat(alice.await("userConnected").path("user").textValue()).isEqualTo(bob.nickname());
        assertThat(bob.events("activeUsers").get(0).path("users").toString()).contains(alice.nickname());

        HttpResponse<String> ack = sender.message(bob.session(), "general", "hi from sse", "b1");
        alice.sendMessage("general", "hi from ws", "a1");

        assertThat(ack.statusCode()).isEqualTo(200);
        assertThat(ack.body()).contains("\"ref\":\"b1\"").contains("\"seq\":");
        assertThat(alice.await("message", text("hi from sse")).path("user").textValue())
                .isEqualTo(bob.nickname());
        assertThat(bob.await("message", text("hi from ws")).path("user").textValue())
                .isEqualTo(alice.nickname());
        assertThat(bob.await("message", text("hi from sse"))).isNotNull();

        bob.close();

        assertThat(alice.await("userDisconnected").path("user").textValue()).isEqualTo(bob.nickname());
    }

    @Test
    void givenJoinAndLeaveOverHttp_membersAreTold() {
        WsTestClient alice = chat.client();
        alice.join("dev");
        alice.await("activeUsers", data -> "dev".equals(data.path("room").textValue()));
        SseTestClient bob = chat.sseClient();

        HttpResponse<String> joined = sender.post(bob.session(), "{\"event\":\"join\",\"data\":{\"room\":\"dev\"}}");
        assertThat(bob.await(
                                "activeUsers",
                                data -> "dev".equals(data.path("room").textValue()))
                        .path("users")
                        .toString())
                .contains(alice.nickname());
        HttpResponse<String> left = sender.post(bob.session(), "{\"event\":\"leave\",\"data\":{\"room\":\"dev\"}}");

        assertThat(joined.statusCode()).isEqualTo(200);
        assertThat(left.statusCode()).isEqualTo(200);
        assertThat(alice.await(
                                "userConnected",
                                data -> "dev".equals(data.path("room").textValue()))
                        .path("user")
                        .textValue())
                .isEqualTo(bob.nickname());
        assertThat(alice.await(
                                "userDisconnected",
                                data -> "dev".equals(data.path("room").textValue()))
                        .path("user")
                        .textValue())
                .isEqualTo(bob.nickname());
    }

    @Test
    void givenRefusedSends_eachGetsItsStatusAndCode_andNothingIsBroadcast() {
        WsTestClient alice = chat.client();
        SseTestClient bob = chat.sseClient();
        String session = bob.session();

        assertRefused(sender.post(null, "{\"event\":\"message\",\"data\":{\"text\":\"x\"}}"), 401, "unauthorized");
        assertRefused(
                sender.post("AAAAAAAAAAAAAAAAAAAAAA", "{\"event\":\"message\",\"data\":{\"text\":\"x\"}}"),
                401,
                "unauthorized");
        assertRefused(sender.post("AAAAAAAAAAAAAAAAAAAAAA", "not json"), 401, "unauthorized");
        assertRefused(sender.post(session, "not json"), 400, "malformed_json");
        assertRefused(sender.post(session, "{\"event\":\"dance\",\"data\":{\"ref\":\"d\"}}"), 400, "unknown_event");
        assertRefused(sender.post(session, "{\"event\":\"message\",\"data\":{\"text\":\"  \"}}"), 400, "empty_text");
        assertRefused(sender.post(session, "{\"event\":\"leave\",\"data\":{\"room\":\"nope\"}}"), 400, "not_in_room");
        assertRefused(
                sender.post(session, "{\"event\":\"message\",\"data\":{\"text\":\"" + "x".repeat(70_000) + "\"}}"),
                413,
                "too_large");

        sender.message(session, "general", "the only one", "ok");
        assertThat(alice.await("message").path("text").textValue()).isEqualTo("the only one");
        assertThat(alice.events("message")).hasSize(1);
    }

    @Test
    void givenOversizedBodies_theClientStillSendingEachTime_eachGetsThe413() {
        SseTestClient bob = chat.sseClient();
        // far beyond what the sockets' buffers hold: the client is still writing when the answer is ready
        String oversized = "{\"event\":\"message\",\"data\":{\"text\":\"" + "x".repeat(512 * 1024) + "\"}}";

        for (int i = 0; i < 20; i++) {
            assertRefused(sender.post(bob.session(), oversized), 413, "too_large");
            assertRefused(sender.post(null, oversized), 401, "unauthorized");
        }
    }

    @Test
    void givenAnOversizedBodyAwaitingContinue_theClientIsRefusedWithoutBeingAskedForIt() throws Exception {
        SseTestClient bob = chat.sseClient();

        try (Socket socket = new Socket("127.0.0.1", chat.chatUri().getPort())) {
            socket.setSoTimeout(10_000);
            String head = "POST /chat/send HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + bob.session()
                    + "\r\nContent-Type: application/json\r\nContent-Length: 524288\r\nExpect: 100-continue\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));

            assertThat(in.readLine()).isEqualTo("HTTP/1.1 413 Payload Too Large");
        }
    }

    @Test
    void givenStream_itIsAnEventStreamWithRetryHint_idsThatResume_andHeartbeats() {
        SseTestClient bob = chat.sseClient();

        assertThat(bob.contentType()).startsWith("text/event-stream");
        assertThat(bob.retry()).isEqualTo("2000");
        assertThat(bob.lastEventId()).startsWith(bob.session() + "|general:");
        EventLog.awaiting().until(() -> bob.comments() >= 1); // heartbeat every second in this test's config
        assertThat(bob.await("heartbeat")).isNotNull();
        assertThat(bob.lastEventId()).startsWith(bob.session() + "|general:"); // a heartbeat keeps the resume point

        // one beat per interval, not one per tick of the beats spread over it (Heartbeats); the wider of two gaps,
        // as a stalled scheduler catching up may bring one beat closer to the next
        long first = System.nanoTime();
        EventLog.awaiting().until(() -> bob.comments() >= 2);
        long second = System.nanoTime();
        EventLog.awaiting().until(() -> bob.comments() >= 3);
        long widestGap = Math.max(second - first, System.nanoTime() - second);
        assertThat(Duration.ofNanos(widestGap)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
    }

    @Test
    void givenUnknownSession_theStreamIsRefusedWith401() {
        SseTestClient stranger = chat.sseClient(Map.of(), "?session=AAAAAAAAAAAAAAAAAAAAAA");

        assertThat(stranger.status()).isEqualTo(401);
        assertThat(stranger.errorBody()).contains("\"code\":\"unauthorized\"");
    }

    private static void assertRefused(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.body()).contains("\"code\":\"" + code + "\"");
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    }

    private static java.util.function.Predicate<JsonNode> text(String text) {
        return data -> text.equals(data.path("text").textValue());
    }
}
