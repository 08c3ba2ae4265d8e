package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.app.support.ChatClient;
import dev.chat.app.support.HttpSender;
import dev.chat.app.support.PollTestClient;
import dev.chat.app.support.RunningChat;
import dev.chat.app.support.SseTestClient;
import dev.chat.app.support.WsTestClient;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One room, three transports: the same arrivals, messages, order and departures for everyone. */
class MixedTransportsIT {
    // A dropped SSE stream shows at the next heartbeat, so heartbeat every second here.
    private final RunningChat chat = RunningChat.start(RunningChat.withGrace(ChatConfig.defaults(0), Duration.ZERO)
            .withConnections(
                    new ChatConfig.Connections(64 * 1024, 1024 * 1024, Duration.ofSeconds(1), Duration.ofSeconds(5)))
            .withPolling(new ChatConfig.Polling(Duration.ofSeconds(2), Duration.ofSeconds(1))));
    private final HttpSender sender = chat.sender();

    @AfterEach
    void stop() {
        chat.close();
    }

    @Test
    void givenWebSocketSseAndPollingUsers_theySeeEachOtherArrive_chatInOneOrder_andLeave() {
        WsTestClient ws = chat.client();
        SseTestClient sse = chat.sseClient();
        PollTestClient poll = chat.pollClient();
        poll.keepPolling(1);

        assertThat(ws.await("userConnected", user(sse.nickname()))).isNotNull();
        assertThat(ws.await("userConnected", user(poll.nickname()))).isNotNull();
        assertThat(sse.await("userConnected", user(poll.nickname()))).isNotNull();

        ws.sendMessage("general", "from ws", "1");
        // a WebSocket send does not wait for the server; the HTTP send after it must not overtake it
        assertThat(ws.await("ack", ack -> "1".equals(ack.path("ref").textValue())))
                .isNotNull();
        sender.message(sse.session(), "general", "from sse", "2");
        sender.message(poll.session(), "general", "from poll", "3");

        List<ChatClient> everyone = List.of(ws, sse, poll);
        for (ChatClient client : everyone) {
            List<JsonNode> messages =
                    List.of(client.await("message"), client.await("message"), client.await("message"));
            assertThat(messages).extracting(m -> m.path("seq").longValue()).containsExactly(1L, 2L, 3L);
            assertThat(messages)
                    .extracting(m -> m.path("text").textValue())
                    .containsExactly("from ws", "from sse", "from poll");
        }

        sse.close();
        assertThat(ws.await("userDisconnected", user(sse.nickname()))).isNotNull();
        assertThat(poll.await("userDisconnected", user(sse.nickname()))).isNotNull();
        poll.stopPolling();
        assertThat(ws.await("userDisconnected", user(poll.nickname()))).isNotNull();
    }

    private static Predicate<JsonNode> user(String nickname) {
        return data -> nickname.equals(data.path("user").textValue());
    }
}
