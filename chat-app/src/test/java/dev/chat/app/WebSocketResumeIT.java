package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.app.support.RunningChat;
import dev.chat.app.support.WsTestClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Coming back over WebSocket: same session, missed messages replayed, no presence flap. */
class WebSocketResumeIT {
    private static final Duration GRACE = Duration.ofSeconds(2);

    private final RunningChat chat = RunningChat.start(RunningChat.withGrace(ChatConfig.defaults(0), GRACE));

    @AfterEach
    void stop() {
        chat.close();
    }

    @Test
    void givenResumeWithCursor_theMissedMessagesArriveInOrderOnce_andOthersSeeNoDepartureOrArrival() {
        WsTestClient alice = chat.client();
        WsTestClient bob = chat.client();
        alice.sendMessage("general", "one", "a1");
        String cursor = cursorOf(bob, bob.await("message"));
        String session = bob.welcome().path("session").textValue();
        String bobName = bob.nickname();
        bob.drop();

        alice.sendMessage("general", "two", "a2");
        alice.sendMessage("general", "three", "a3");
        alice.await("ack", data -> "a3".equals(data.path("ref").textValue()));
        WsTestClient bobAgain = chat.resumingClient(session, cursor).awaitJoined();
        alice.sendMessage("general", "four", "a4");

        JsonNode welcome = bobAgain.welcome();
        assertThat(welcome.path("user").textValue()).isEqualTo(bobName);
        assertThat(welcome.path("resumed").booleanValue()).isTrue();
        List<String> texts = List.of(
                bobAgain.await("message").path("text").textValue(),
                bobAgain.await("message").path("text").textValue(),
                bobAgain.await("message").path("text").textValue());
        assertThat(texts).containsExactly("two", "three", "four");
        assertThat(bobAgain.events("notRecovered")).isEmpty();
        assertThat(bobAgain.events("activeUsers").get(0).path("seq").longValue())
                .isEqualTo(3);
        assertThat(alice.events("userDisconnected")).isEmpty();
        assertThat(alice.events("userConnected")).hasSize(1);
    }

    @Test
    void givenResumeWithoutCursor_theClientIsToldTheRoomIsNotRecovered_andGetsTheMemberList() {
        WsTestClient bob = chat.client();
        String session = bob.welcome().path("session").textValue();
        bob.drop();

        WsTestClient bobAgain = chat.resumingClient(session, null);

        assertThat(bobAgain.await("notRecovered").path("reason").textValue()).isEqualTo("no_cursor");
        assertThat(bobAgain.await("activeUsers").path("users").toString()).contains(bob.nickname());
    }

    @Test
    void givenUnknownSession_theClientGetsUnauthorizedAndCloseCode4401() {
        WsTestClient stranger = chat.resumingClient("AAAAAAAAAAAAAAAAAAAAAA", null);

        assertThat(stranger.await("error").path("code").textValue()).isEqualTo("unauthorized");
        assertThat(stranger.awaitCloseCode()).isEqualTo(4401);
    }

    @Test
    void givenResumeWhileStillConnected_theOldConnectionIsClosedWith4009() {
        WsTestClient bob = chat.client();
        String session = bob.welcome().path("session").textValue();

        WsTestClient bobAgain = chat.resumingClient(session, null);

        assertThat(bobAgain.welcome().path("resumed").booleanValue()).isTrue();
        assertThat(bob.awaitCloseCode()).isEqualTo(4009);
    }

    @Test
    void givenNoReturnWithinGrace_theRoomIsToldTheUserLeft() {
        WsTestClient alice = chat.client();
        WsTestClient bob = chat.client();
        String bobName = bob.nickname();

        bob.drop(); // lost: the room hears of it after the grace

        assertThat(alice.await("userDisconnected").path("user").textValue()).isEqualTo(bobName);
    }

    @Test
    void givenQuietConnection_theServerSendsHeartbeatEventsAtThePingInterval() {
        try (RunningChat quickBeats = RunningChat.start(ChatConfig.defaults(0)
                .withConnections(new ChatConfig.Connections(
                        64 * 1024, 1024 * 1024, Duration.ofSeconds(1), Duration.ofSeconds(5))))) {
            WsTestClient alice = quickBeats.client();

            assertThat(alice.await("heartbeat")).isNotNull();
        }
    }

    @Test
    void givenRetriedSendWithTheSameRef_itIsPostedOnce_andBothAcksCarryTheSameSeq() {
        WsTestClient alice = chat.client();

        alice.sendMessage("general", "exactly once", "same-ref");
        alice.sendMessage("general", "exactly once", "same-ref");

        long first = alice.await("ack").path("seq").longValue();
        long second = alice.await("ack").path("seq").longValue();
        assertThat(second).isEqualTo(first);
        alice.sendMessage("general", "marker", "m");
        assertThat(alice.await("message").path("text").textValue()).isEqualTo("exactly once");
        assertThat(alice.await("message").path("text").textValue()).isEqualTo("marker");
    }

    /** The cursor a client would keep after this message: general's epoch and the message's seq. */
    private static String cursorOf(WsTestClient client, JsonNode message) {
        String epoch = client.events("activeUsers").get(0).path("epoch").textValue();
        return "general:" + epoch + ":" + message.path("seq").longValue();
    }
}
