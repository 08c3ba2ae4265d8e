package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.app.support.EventLog;
import dev.chat.app.support.RunningChat;
import dev.chat.app.support.WsTestClient;
import dev.chat.store.redis.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Redis with persistence is killed and restarted under two nodes: every send is either refused explicitly or
 * delivered, and clients that stayed connected or resumed afterwards have every accepted message exactly once.
 */
class RedisRestartIT {
    private final RedisServerProcess redis = RedisServerProcess.startPersistent();
    private final ChatConfig nodeConfig = ChatConfig.defaults(0)
            .withStore(new ChatConfig.Store(
                    redis.uri().toString(), "restart", Duration.ofSeconds(2), Duration.ofSeconds(5)));
    private final RunningChat nodeA = RunningChat.start(nodeConfig);
    private final RunningChat nodeB = RunningChat.start(nodeConfig);

    @AfterEach
    void stop() {
        Stream.of(nodeA, nodeB).forEach(RunningChat::close);
        redis.close();
    }

    @Test
    void givenRedisRestartsWithItsData_everyAcceptedMessageReachesEveryone_onceAndInOrder() throws Exception {
        WsTestClient alice = nodeA.client();
        WsTestClient bob = nodeB.client();
        WsTestClient carol = nodeB.client();
        List<String> accepted = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            assertThat(send(alice, "before " + i)).isTrue();
            accepted.add("before " + i);
        }
        carol.await("message", text("before 3"));
        String carolsCursor = carol.generalCursor();
        carol.drop(); // she is away during the outage, within her reconnect grace

        redis.kill();
        assertThat(send(alice, "during the outage")).as("refused explicitly").isFalse();
        redis.startAgain();
        for (int attempt = 1; accepted.size() < 6; attempt++) {
            assertThat(attempt).as("sends accepted again after the restart").isLessThan(50);
            if (send(alice, "after " + attempt)) {
                accepted.add("after " + attempt);
            }
        }
        WsTestClient carolOnA =
                nodeA.resumingClient(carol.session(), carolsCursor).awaitJoined();
        bob.await("message", text(accepted.get(accepted.size() - 1)));

        assertThat(texts(bob.events("message"))).containsExactlyElementsOf(accepted);
        assertThat(seqs(bob.events("message"))).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        carolOnA.await("message", text(accepted.get(accepted.size() - 1)));
        assertThat(texts(carolOnA.events("message"))).containsExactlyElementsOf(accepted.subList(3, 6));
        assertThat(carolOnA.events("notRecovered")).isEmpty();
        assertThat(carolOnA.welcome().path("user").textValue()).isEqualTo(carol.nickname());
    }

    /**
     * Sends and waits for the answer: true if acknowledged, false if refused ({@code unavailable}, or
     * {@code outcome_unknown} when the connection to Redis broke mid-call).
     */
    private static boolean send(WsTestClient client, String text) {
        String ref = "r-" + text.replace(' ', '-');
        client.sendMessage("general", text, ref);
        JsonNode[] answer = new JsonNode[1];
        EventLog.awaiting().until(() -> (answer[0] = answerTo(client, ref)) != null);
        if (answer[0].has("seq")) {
            return true;
        }
        assertThat(answer[0].path("code").textValue()).isIn("unavailable", "outcome_unknown");
        return false;
    }

    private static JsonNode answerTo(WsTestClient client, String ref) {
        return Stream.concat(client.events("ack").stream(), client.events("error").stream())
                .filter(data -> ref.equals(data.path("ref").textValue()))
                .findFirst()
                .orElse(null);
    }

    private static List<String> texts(List<JsonNode> messages) {
        return messages.stream().map(m -> m.path("text").textValue()).toList();
    }

    private static List<Long> seqs(List<JsonNode> messages) {
        return messages.stream().map(m -> m.path("seq").longValue()).toList();
    }

    private static Predicate<JsonNode> text(String expected) {
        return data -> expected.equals(data.path("text").textValue());
    }
}
