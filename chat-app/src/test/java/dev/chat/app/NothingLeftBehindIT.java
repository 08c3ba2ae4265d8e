package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.app.support.EventLog;
import dev.chat.app.support.RunningChat;
import dev.chat.app.support.VanishingClients;
import dev.chat.app.support.WsTestClient;
import dev.chat.store.redis.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Two nodes on a Redis of the test's own, and clients that vanish, or a Redis that dies, freezes or forgets: once
 * the lease and the grace have passed, no session, nickname or presence entry is left, on either node or in Redis.
 */
class NothingLeftBehindIT {
    private static final String NAMESPACE = "leftovers";
    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final Duration GRACE = Duration.ofSeconds(1);
    /** Lease, grace, a sweep round and expiry retries, with room for a slow machine. */
    private static final Duration CLEAN_WITHIN = Duration.ofSeconds(30);

    private final RedisServerProcess redis = RedisServerProcess.start();
    private final ChatConfig nodeConfig = RunningChat.withGrace(ChatConfig.defaults(0), GRACE)
            .withStore(new ChatConfig.Store(
                    redis.uri().toString(), NAMESPACE, LEASE, Duration.ofSeconds(5), Duration.ofMillis(500)));
    private final RunningChat nodeA = RunningChat.start(nodeConfig);
    private final RunningChat nodeB = RunningChat.start(nodeConfig);

    @AfterEach
    void stop() throws Exception {
        redis.thaw();
        Stream.of(nodeA, nodeB).forEach(RunningChat::close);
        redis.close();
    }

    @Test
    void givenAThousandClientsDroppingTcpRightAfterTheUpgradeOnTwoNodes_nothingIsLeft() throws Exception {
        List<CompletableFuture<Void>> drops = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            RunningChat node = i % 2 == 0 ? nodeA : nodeB;
            drops.add(CompletableFuture.runAsync(() -> VanishingClients.upgradeAndReset(node.chatUri())));
        }
        CompletableFuture.allOf(drops.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        assertNothingLeft();
    }

    @Test
    void givenRedisKilledAndRestartedDuringAConnectStorm_nothingIsLeftOnceEveryoneLeft() throws Exception {
        List<CompletableFuture<WsTestClient>> storm = connectStorm(200);
        redis.kill();
        redis.startAgain(); // empty: it kept nothing
        List<WsTestClient> connected = settle(storm);
        connected.forEach(WsTestClient::close);

        assertNothingLeft();
    }

    @Test
    void givenRedisFrozenDuringAConnectStorm_nothingIsLeftOnceEveryoneLeft() throws Exception {
        List<CompletableFuture<WsTestClient>> storm = connectStorm(200);
        redis.freeze();
        List<WsTestClient> connected = settle(storm);
        redis.thaw();
        connected.forEach(WsTestClient::close);

        assertNothingLeft();
    }

    @Test
    void givenRedisFlushedDuringADepartingUsersGrace_theUserIsStillRemovedAndAnnouncedOnce() throws Exception {
        WsTestClient bystander = nodeB.client();
        WsTestClient leaving = nodeA.client();
        String name = leaving.nickname();
        bystander.await("userConnected", data -> name.equals(data.path("user").textValue()));

        leaving.close();
        try (Jedis admin = new Jedis(redis.uri())) {
            admin.flushAll(); // a restart without persistence, as far as the data goes
        }

        bystander.await(
                "userDisconnected", data -> name.equals(data.path("user").textValue()));
        assertNothingLeft(bystander);
        assertThat(bystander.events("userDisconnected").stream()
                        .filter(data -> name.equals(data.path("user").textValue())))
                .hasSize(1);
    }

    private List<CompletableFuture<WsTestClient>> connectStorm(int clients) {
        List<CompletableFuture<WsTestClient>> storm = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            RunningChat node = i % 2 == 0 ? nodeA : nodeB;
            storm.add(WsTestClient.connectAsync(node.chatUri(), Map.of(), true));
        }
        return storm;
    }

    /** Waits for every connect of the storm to end one way or the other; returns those that got in. */
    private static List<WsTestClient> settle(List<CompletableFuture<WsTestClient>> storm) {
        List<WsTestClient> connected = new ArrayList<>();
        for (CompletableFuture<WsTestClient> attempt : storm) {
            try {
                connected.add(attempt.get(30, TimeUnit.SECONDS));
            } catch (Exception refusedOrFailed) {
                // refused during the outage: fine, as long as it leaves nothing behind
            }
        }
        return connected;
    }

    private void assertNothingLeft(WsTestClient... stillHere) {
        EventLog.awaiting()
                .atMost(CLEAN_WITHIN)
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    assertThat(nodeA.localSessions() + nodeB.localSessions()).isEqualTo(stillHere.length);
                    assertThat(keys(NAMESPACE + ":session:*")).hasSize(stillHere.length);
                    assertThat(keys(NAMESPACE + ":nickname:*")).hasSize(stillHere.length);
                    // An expiry that met a refused Redis call leaves its rooms a moment later, on its retry.
                    try (Jedis admin = new Jedis(redis.uri())) {
                        assertThat(admin.zcard(NAMESPACE + ":{r:general}:presence"))
                                .isEqualTo(stillHere.length);
                    }
                });
        WsTestClient fresh = nodeA.client();
        List<String> expected = new ArrayList<>();
        Stream.of(stillHere).map(WsTestClient::nickname).forEach(expected::add);
        expected.add(fresh.nickname());
        JsonNode users = fresh.log().first("activeUsers").path("users");
        List<String> listed = new ArrayList<>();
        users.forEach(user -> listed.add(user.textValue()));
        assertThat(listed).containsExactlyInAnyOrderElementsOf(expected);
        fresh.close();
    }

    private List<String> keys(String pattern) {
        List<String> found = new ArrayList<>();
        try (Jedis admin = new Jedis(redis.uri())) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page =
                        admin.scan(cursor, new ScanParams().match(pattern).count(1_000));
                found.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
        return found;
    }
}
