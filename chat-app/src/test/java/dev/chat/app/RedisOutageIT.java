package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.app.support.RunningChat;
import dev.chat.app.support.WsTestClient;
import dev.chat.store.redis.RedisServerProcess;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Redis dies and comes back (empty) under two running nodes: refusals are explicit, and the nodes recover alone. */
class RedisOutageIT {
    private final RedisServerProcess redis = RedisServerProcess.start();
    private final ChatConfig nodeConfig = RunningChat.withGrace(ChatConfig.defaults(0), Duration.ZERO)
            .withStore(new ChatConfig.Store(
                    redis.uri().toString(), "outage", Duration.ofSeconds(2), Duration.ofSeconds(5)));
    private final RunningChat nodeA = RunningChat.start(nodeConfig);
    private final RunningChat nodeB = RunningChat.start(nodeConfig);

    @AfterEach
    void stop() {
        Stream.of(nodeA, nodeB).forEach(RunningChat::close);
        redis.close();
    }

    @Test
    void givenRedisDiesAndComesBack_sendsMeanwhileAreRefused_andCrossNodeDeliveryReturnsWithin5s() throws Exception {
        WsTestClient alice = nodeA.client();
        WsTestClient bob = nodeB.client();
        alice.await("userConnected");
        for (int i = 1; i <= 5; i++) {
            alice.sendMessage("general", "before " + i, "before" + i);
        }
        bob.await("message", data -> "before 5".equals(data.path("text").textValue()));

        redis.kill();
        alice.sendMessage("general", "into the void", "void");

        // A pooled connection's peer died mid-call: whether Redis ran the command cannot be known from here.
        assertThat(alice.await("error", data -> "void".equals(data.path("ref").textValue()))
                        .path("code")
                        .textValue())
                .isIn("unavailable", "outcome_unknown");

        redis.startAgain();
        AtomicInteger attempt = new AtomicInteger();
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    alice.sendMessage("general", "back?", "back" + attempt.incrementAndGet());
                    return bob.events("message").stream()
                            .anyMatch(m -> "back?".equals(m.path("text").textValue()));
                });
        assertThat(bob.events("message"))
                .noneMatch(m -> "into the void".equals(m.path("text").textValue()));
        // Redis came back empty, so seqs start again at 1: bob is told before the first message after it, with a
        // snapshot of the new epoch, so his client does not take seq 1 for a repeat.
        List<JsonNode> events = bob.events();
        int notice = indexOf(events, "notRecovered");
        int firstBack =
                indexOf(events, "message", m -> "back?".equals(m.path("text").textValue()));
        assertThat(notice).isPositive().isLessThan(firstBack);
        assertThat(events.get(notice).path("data").path("reason").textValue()).isEqualTo("epoch_changed");
        JsonNode snapshot = events.get(notice + 1);
        assertThat(snapshot.path("event").textValue()).isEqualTo("activeUsers");
        assertThat(snapshot.path("data").path("seq").longValue()).isZero();
        assertThat(snapshot.path("data").path("epoch").textValue())
                .isNotEqualTo(bob.events("activeUsers").get(0).path("epoch").textValue());
        assertThat(events.get(firstBack).path("data").path("seq").longValue()).isEqualTo(1);
    }

    @Test
    void givenRedisUnreachableAtStart_theNodeRefusesToStartWithAClearMessage() {
        ChatConfig unreachable = nodeConfig.withStore(
                new ChatConfig.Store("redis://127.0.0.1:1", "nowhere", Duration.ofSeconds(2), Duration.ofSeconds(1)));

        Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() -> RunningChat.start(unreachable));

        assertThat(failure).hasMessageContaining("Redis at 127.0.0.1:1 did not answer");
    }

    private static int indexOf(List<JsonNode> events, String name) {
        return indexOf(events, name, data -> true);
    }

    private static int indexOf(List<JsonNode> events, String name, Predicate<JsonNode> dataMatches) {
        for (int i = 0; i < events.size(); i++) {
            if (name.equals(events.get(i).path("event").textValue())
                    && dataMatches.test(events.get(i).path("data"))) {
                return i;
            }
        }
        return -1;
    }
}
