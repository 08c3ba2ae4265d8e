package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.app.support.HttpSender;
import dev.chat.app.support.RunningChat;
import dev.chat.app.support.SseTestClient;
import dev.chat.app.support.WsTestClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An EventSource that drops and comes back gets exactly what it missed, under the same session. */
class SseResumeIT {
    private static final int HISTORY_SIZE = 5;

    private final RunningChat chat = RunningChat.start(withHistory(ChatConfig.defaults(0), HISTORY_SIZE));
    private final HttpSender sender = chat.sender();

    @AfterEach
    void stop() {
        chat.close();
    }

    @Test
    void givenLastEventId_theReconnectedStreamGetsExactlyTheMissedMessages_withoutAPresenceFlap() {
        WsTestClient alice = chat.client();
        SseTestClient bob = chat.sseClient();
        alice.sendMessage("general", "one", "a1");
        bob.await("message");
        String lastEventId = bob.lastEventId();
        bob.close();
        alice.sendMessage("general", "two", "a2");
        alice.sendMessage("general", "three", "a3");
        alice.await("ack", data -> "a3".equals(data.path("ref").textValue()));

        SseTestClient bobAgain = chat.sseClient(Map.of("Last-Event-ID", lastEventId), "");

        assertThat(bobAgain.welcome().path("resumed").booleanValue()).isTrue();
        assertThat(bobAgain.nickname()).isEqualTo(bob.nickname());
        assertThat(List.of(
                        bobAgain.await("message").path("text").textValue(),
                        bobAgain.await("message").path("text").textValue()))
                .containsExactly("two", "three");
        assertThat(bobAgain.await("activeUsers").path("seq").longValue()).isEqualTo(3);
        sender.message(bob.session(), "general", "four", "b4");
        assertThat(bobAgain.await("message").path("text").textValue()).isEqualTo("four");
        assertThat(alice.events("userDisconnected")).isEmpty();
        assertThat(alice.events("userConnected")).hasSize(1);
    }

    @Test
    void givenSessionParameterAndLastEventId_theStreamResumesThatSession() {
        SseTestClient bob = chat.sseClient();
        String lastEventId = bob.lastEventId();
        bob.close();

        SseTestClient bobAgain = chat.sseClient(Map.of("Last-Event-ID", lastEventId), "?session=" + bob.session());

        assertThat(bobAgain.welcome().path("resumed").booleanValue()).isTrue();
        assertThat(bobAgain.events("notRecovered")).isEmpty();
    }

    @Test
    void givenMissedMessagesAlreadyTrimmed_theClientIsToldNotRecovered_andGetsNoPartialReplay() {
        WsTestClient alice = chat.client();
        SseTestClient bob = chat.sseClient();
        String lastEventId = bob.lastEventId();
        bob.close();
        for (int i = 0; i < HISTORY_SIZE + 3; i++) {
            alice.sendMessage("general", "m" + i, "r" + i);
        }
        alice.await(
                "ack",
                data -> ("r" + (HISTORY_SIZE + 2)).equals(data.path("ref").textValue()));

        SseTestClient bobAgain = chat.sseClient(Map.of("Last-Event-ID", lastEventId), "");

        assertThat(bobAgain.await("notRecovered").path("reason").textValue()).isEqualTo("history_trimmed");
        assertThat(bobAgain.await("activeUsers").path("seq").longValue()).isEqualTo(HISTORY_SIZE + 3);
        assertThat(bobAgain.events("message")).isEmpty();
    }

    private static ChatConfig withHistory(ChatConfig config, int historySize) {
        ChatConfig.Messaging messaging = config.messaging();
        return config.withMessaging(new ChatConfig.Messaging(
                messaging.maxTextLength(), messaging.maxRoomsPerSession(), historySize, Duration.ofSeconds(10)));
    }
}
