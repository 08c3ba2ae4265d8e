package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.app.support.PollTestClient;
import dev.chat.app.support.RawUpgrade;
import dev.chat.app.support.RunningChat;
import dev.chat.app.support.SseTestClient;
import dev.chat.transport.core.Admission;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Connections are opened one at a time here, so every way a connect can end must give its turn back: one that kept its
 * turn would make every later connect wait and be refused 503 "busy opening".
 */
class OpeningTurnsIT {
    private final RunningChat chat = RunningChat.start(
            ChatConfig.defaults(0).withOperations(new ChatConfig.Operations(0, 0, 1, Duration.ZERO, Duration.ZERO)));

    @AfterEach
    void stop() {
        chat.close();
    }

    @Test
    void givenOneOpeningAtATime_connectsOnEveryTransportThatSucceedOrAreRefused_eachLetTheNextOneIn() throws Exception {
        for (int round = 0; round < 3; round++) {
            chat.client();
            assertThat(chat.resumingClient("no-such-session", null).awaitCloseCode())
                    .as("a refused WebSocket resume")
                    .isEqualTo(4401);
            assertThat(RawUpgrade.statusOf(chat.chatUri()))
                    .as("an upgrade whose client hangs up at once")
                    .isEqualTo(101);

            chat.sseClient();
            SseTestClient refusedStream = chat.sseClient(Map.of(), "?session=no-such-session");
            assertThat(refusedStream.status()).as("a refused SSE resume").isEqualTo(401);

            chat.pollClient();
            assertThat(PollTestClient.get(chat.httpUri("/chat/poll?session=no-such-session"))
                            .statusCode())
                    .as("a refused poll resume")
                    .isEqualTo(401);
        }

        assertThat(chat.client().log().first("welcome"))
                .as("still taking connections")
                .isNotNull();
        assertThat(chat.metricSum("chat_connects_waiting")).isZero();
    }

    @Test
    void givenTheServersPool_itHoldsAThreadForEveryConnectThatMayWait_beyondThoseServingConnections() {
        assertThat(chat.metricSum("jetty_threads_config_max")).isEqualTo(250.0 + Admission.MAX_WAITING);
    }
}
