package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.app.support.RunningChat;
import dev.chat.app.support.SseTestClient;
import dev.chat.app.support.WsTestClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes sharing Redis: a session's budget is one budget wherever its commands land, a flooder is ended where it
 * is served even when it floods another node, and a goodbye is heard on every node at once.
 */
class AbuseAcrossNodesIT {
    private final ChatConfig config = RunningChat.onTestRedis(
                    RunningChat.withGrace(ChatConfig.defaults(0), Duration.ofSeconds(60)))
            .withAbuse(RateLimitIT.LIMITS);
    private final RunningChat nodeA = RunningChat.start(config);
    private final RunningChat nodeB = RunningChat.start(config);

    @AfterEach
    void stop() {
        Stream.of(nodeA, nodeB).forEach(RunningChat::close);
    }

    @Test
    void givenASessionsCommandsOnTwoNodes_theyTakeFromOneBudget() {
        SseTestClient session = nodeA.sseClient();
        List<RunningChat> nodes = List.of(nodeA, nodeB);
        int sent = 60;
        int acked = 0;
        int ackedByB = 0;

        long started = System.nanoTime();
        for (int i = 0; i < sent; i++) {
            RunningChat node = nodes.get(i % 2);
            HttpResponse<String> answer = node.sender().message(session.session(), "general", "m" + i, "r" + i);
            assertThat(answer.statusCode()).isIn(200, 429);
            if (answer.statusCode() == 200) {
                acked++;
                ackedByB += node == nodeB ? 1 : 0;
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        // One bucket: the burst of 20 and what refilled meanwhile (two buckets would have let through 40 at once).
        assertThat(acked).isBetween(20, 20 + (int) Math.ceil(10 * seconds) + 1);
        assertThat(ackedByB).isPositive();
    }

    @Test
    void givenAFlooderPostingToAnotherNode_itsSessionIsEndedWhereItIsServed() {
        WsTestClient bystanderOnB = nodeB.client();
        SseTestClient flooder = nodeA.sseClient();

        HttpResponse<String> last = null;
        for (int i = 0; i < 100_000 && (last == null || last.statusCode() != 401); i++) {
            last = nodeB.sender().message(flooder.session(), "general", "spam", "s" + i);
            assertThat(last.statusCode()).isIn(200, 429, 401);
        }

        assertThat(last.statusCode()).isEqualTo(401);
        assertThat(flooder.await("close").path("reason").textValue()).isEqualTo("abuse");
        assertThat(bystanderOnB.await("userDisconnected").path("user").textValue())
                .isEqualTo(flooder.nickname());
    }

    @Test
    void givenAGoodbyeOnOneNode_everyNodeHearsItAtOnce() {
        WsTestClient onA = nodeA.client();
        WsTestClient onB = nodeB.client();
        SseTestClient httpLeaver = nodeA.sseClient();
        WsTestClient wsLeaver = nodeA.client();

        long deleted = System.nanoTime();
        assertThat(nodeB.endSession(httpLeaver.session()).statusCode()).isEqualTo(204); // relayed to node A
        onB.await(
                "userDisconnected",
                data -> httpLeaver.nickname().equals(data.path("user").textValue()));
        long heardAfterDelete = (System.nanoTime() - deleted) / 1_000_000;
        onA.await(
                "userDisconnected",
                data -> httpLeaver.nickname().equals(data.path("user").textValue()));

        long closed = System.nanoTime();
        wsLeaver.closeWith(1000);
        onB.await(
                "userDisconnected",
                data -> wsLeaver.nickname().equals(data.path("user").textValue()));
        long heardAfterClose = (System.nanoTime() - closed) / 1_000_000;

        System.out.printf(
                "[AbuseAcrossNodesIT] departure heard on the other node %d ms after DELETE, %d ms after close 1000%n",
                heardAfterDelete, heardAfterClose);
        assertThat(httpLeaver.await("close").path("reason").textValue()).isEqualTo("ended");
    }
}
