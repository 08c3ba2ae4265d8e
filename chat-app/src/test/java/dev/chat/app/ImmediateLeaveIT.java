package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.app.support.EventLog;
import dev.chat.app.support.PollTestClient;
import dev.chat.app.support.RunningChat;
import dev.chat.app.support.SseTestClient;
import dev.chat.app.support.WsTestClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client that says goodbye leaves at once: its rooms hear it well within the reconnect grace (a minute here, so a
 * departure seen within the test clients' 10 s wait can only be the immediate one). A dropped connection keeps the
 * grace.
 */
class ImmediateLeaveIT {
    private static final Duration GRACE = Duration.ofSeconds(60);

    private final RunningChat chat = RunningChat.start(RunningChat.withGrace(ChatConfig.defaults(0), GRACE));

    @AfterEach
    void stop() {
        chat.close();
    }

    @Test
    void givenAWebSocketClosedWith1000_itsRoomsHearItLeftAtOnce_andItCannotBeResumed() {
        WsTestClient bystander = chat.client();
        WsTestClient leaving = chat.client();
        String session = leaving.session();

        leaving.closeWith(1000);

        assertThat(bystander.await("userDisconnected").path("user").textValue()).isEqualTo(leaving.nickname());
        WsTestClient again = chat.resumingClient(session, null);
        assertThat(again.awaitCloseCode()).isEqualTo(4401);
    }

    @Test
    void givenAWebSocketClosedWith1001_asATabClosing_itsRoomsHearItLeftAtOnce() {
        WsTestClient bystander = chat.client();
        WsTestClient leaving = chat.client();

        leaving.closeWith(1001);

        assertThat(bystander.await("userDisconnected").path("user").textValue()).isEqualTo(leaving.nickname());
    }

    @Test
    void givenAWebSocketThatDrops_itKeepsItsGrace_andResumesAsItself() {
        WsTestClient bystander = chat.client();
        WsTestClient dropping = chat.client();
        String session = dropping.session();

        dropping.drop(); // no close frame: 1006
        EventLog.awaiting().until(chat::openConnections, open -> open == 1); // the server saw it go
        WsTestClient back = chat.resumingClient(session, dropping.generalCursor());

        assertThat(back.welcome().path("resumed").booleanValue()).isTrue();
        assertThat(back.nickname()).isEqualTo(dropping.nickname());
        bystander.sendMessage("general", "still here?", "b1");
        back.await("message", data -> "still here?".equals(data.path("text").textValue()));
        assertThat(bystander.events("userDisconnected")).isEmpty();
    }

    @Test
    void givenAnSseSessionEndedByDelete_itsRoomsHearItLeftAtOnce_andItsStreamIsClosedAsEnded() {
        WsTestClient bystander = chat.client();
        SseTestClient leaving = chat.sseClient();

        HttpResponse<String> ended = chat.endSession(leaving.session());

        assertThat(ended.statusCode()).isEqualTo(204);
        assertThat(bystander.await("userDisconnected").path("user").textValue()).isEqualTo(leaving.nickname());
        assertThat(leaving.await("close").path("reason").textValue()).isEqualTo("ended");
        assertThat(chat.sender()
                        .message(leaving.session(), "general", "late", "l1")
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void givenAPollingSessionEndedByDelete_itsRoomsHearItLeftAtOnce_andItsPollSaysEnded() throws Exception {
        WsTestClient bystander = chat.client();
        PollTestClient leaving = chat.pollClient();
        var parked = leaving.poll(20);

        assertThat(chat.endSession(leaving.session()).statusCode()).isEqualTo(204);

        assertThat(bystander.await("userDisconnected").path("user").textValue()).isEqualTo(leaving.nickname());
        // A poll held when the session ended is answered "closed":"ended"; one that reached the server only after
        // it (the two requests race) finds no session.
        HttpResponse<String> answer = parked.get();
        if (answer.statusCode() == 200) {
            assertThat(EventLog.JSON.readTree(answer.body()).path("closed").textValue())
                    .isEqualTo("ended");
        } else {
            assertThat(answer.statusCode()).isEqualTo(401);
        }
        assertThat(leaving.pollNow().statusCode()).isEqualTo(401);
    }

    @Test
    void givenAnUnknownOrMissingSession_deleteIsRefusedWith401_andNobodyLeaves() {
        WsTestClient bystander = chat.client();

        assertThat(chat.endSession("no-such-session-0123456789").statusCode()).isEqualTo(401);
        assertThat(chat.endSession(null).statusCode()).isEqualTo(401);

        bystander.sendMessage("general", "ping", "p1");
        bystander.await("ack");
        assertThat(bystander.events("userDisconnected")).isEmpty();
        assertThat(chat.localSessions()).isEqualTo(1);
    }

    @Test
    void givenADeleteFromAnotherOrigin_itIsRefused_andTheSessionLives() {
        SseTestClient session = chat.sseClient();

        HttpResponse<String> refused = chat.endSession(session.session(), Map.of("Origin", "https://evil.example"));

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(chat.sender()
                        .message(session.session(), "general", "alive", "a1")
                        .statusCode())
                .isEqualTo(200);
        assertThat(List.of(chat.localSessions())).containsExactly(1);
    }
}
