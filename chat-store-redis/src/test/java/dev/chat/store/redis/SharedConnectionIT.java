package dev.chat.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** Every caller's commands over one connection, against a real Redis that the tests freeze and kill. */
class SharedConnectionIT {
    private static final Duration TIMEOUT = Duration.ofMillis(1500);

    private final RedisServerProcess redis = RedisServerProcess.start();
    private final SharedConnection shared = RedisStores.sharedConnection(redis.uri(), TIMEOUT);
    private final UnifiedJedis client = new UnifiedJedis(shared);
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void stop() throws Exception {
        redis.thaw();
        callers.shutdownNow();
        client.close();
        redis.close();
    }

    @Test
    void givenManyCallersAtOnce_eachGetsItsOwnReply() throws Exception {
        List<Future<?>> done = new ArrayList<>();
        for (int caller = 0; caller < 16; caller++) {
            String prefix = "caller" + caller + ":";
            done.add(callers.submit(() -> {
                for (int i = 0; i < 200; i++) {
                    client.set(prefix + i, prefix + "value" + i);
                    assertThat(client.get(prefix + i)).isEqualTo(prefix + "value" + i);
                    assertThat(client.incr(prefix + "count")).isEqualTo(i + 1);
                }
            }));
        }
        for (Future<?> each : done) {
            each.get(30, TimeUnit.SECONDS);
        }

        assertThat(shared.commands()).isEqualTo(16 * 200 * 3);
    }

    @Test
    void givenABatchOut_theCommandsThatComeMeanwhile_goTogetherInTheNextWrite() throws Exception {
        CompletableFuture<String> first = aBatchOutToAFrozenRedis("first");
        long writesBefore = shared.writes();
        List<CompletableFuture<Long>> meanwhile = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            meanwhile.add(CompletableFuture.supplyAsync(() -> client.incr("meanwhile"), callers));
        }
        await().atMost(TIMEOUT).until(() -> shared.inLine() == 10);
        redis.thaw();

        assertThat(first.get(5, TimeUnit.SECONDS)).isNull();
        List<Long> counts = new ArrayList<>();
        for (CompletableFuture<Long> each : meanwhile) {
            counts.add(each.get(5, TimeUnit.SECONDS));
        }
        assertThat(counts).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(shared.writes()).isEqualTo(writesBefore + 1);
    }

    @Test
    void givenAnErrorReplyInABatch_onlyItsOwnCallerFails() throws Exception {
        CompletableFuture<String> first = aBatchOutToAFrozenRedis("first");
        CompletableFuture<String> before = inLine(() -> client.set("before", "1"));
        CompletableFuture<Object> failing = inLine(() -> client.eval("return redis.error_reply('no such thing')"));
        CompletableFuture<Long> after = inLine(() -> client.incr("after"));
        redis.thaw();

        assertThat(first.get(5, TimeUnit.SECONDS)).isNull();
        assertThat(before.get(5, TimeUnit.SECONDS)).isEqualTo("OK");
        assertThat(after.get(5, TimeUnit.SECONDS)).isEqualTo(1L);
        assertThatThrownBy(() -> failing.get(5, TimeUnit.SECONDS))
                .cause()
                .isInstanceOf(JedisDataException.class)
                .hasMessageContaining("no such thing");
        assertThat(client.get("before")).isEqualTo("1");
    }

    @Test
    void givenAFrozenRedis_aSentCommandsOutcomeIsUnknownInTime_andTheConnectionRecoversAfter() throws Exception {
        client.set("key", "value");
        redis.freeze();
        long start = System.nanoTime();

        assertThatThrownBy(() -> client.incr("counter"))
                .isInstanceOf(JedisConnectionException.class)
                .isNotInstanceOf(SharedConnection.NotSent.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.multipliedBy(2));

        redis.thaw();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> "value".equals(client.get("key")));
    }

    @Test
    void givenAStoppedRedis_commandsAreRefusedAsNeverSent_untilItIsBack() throws Exception {
        client.set("key", "value");
        redis.kill();

        // The first is written to the old connection (the kernel takes it) before its end is read: sent, outcome
        // unknown. The next finds nobody to connect to.
        assertThatThrownBy(() -> client.get("key"))
                .isInstanceOf(JedisConnectionException.class)
                .isNotInstanceOf(SharedConnection.NotSent.class);
        assertThatThrownBy(() -> client.get("key")).isInstanceOf(SharedConnection.NotSent.class);

        redis.startAgain();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> client.set("key", "again") != null);
        assertThat(client.get("key")).isEqualTo("again");
    }

    @Test
    void givenItIsClosed_aCallerInLineIsToldAtOnce_andNoCommandIsTakenAfter() throws Exception {
        CompletableFuture<String> sent = aBatchOutToAFrozenRedis("sent");
        CompletableFuture<String> inLine = inLine(() -> client.get("in line"));

        shared.close();

        assertThatThrownBy(() -> inLine.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(SharedConnection.NotSent.class);
        assertThat(sent).isNotDone(); // told before the frozen Redis's timeout ran out, not after it
        assertThatThrownBy(() -> sent.get(5, TimeUnit.SECONDS))
                .cause()
                .isInstanceOf(JedisConnectionException.class)
                .isNotInstanceOf(SharedConnection.NotSent.class);
        assertThatThrownBy(() -> client.get("later")).isInstanceOf(SharedConnection.NotSent.class);
    }

    /** Connects, freezes Redis, and reads the key: written, its reply held up until Redis thaws. */
    private CompletableFuture<String> aBatchOutToAFrozenRedis(String key) throws Exception {
        client.ping(); // connected before the freeze: a reconnect would wait on the frozen Redis instead
        long writesBefore = shared.writes();
        redis.freeze();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> client.get(key), callers);
        await().atMost(TIMEOUT).until(() -> shared.writes() == writesBefore + 1 && shared.inLine() == 0);
        return out;
    }

    /** Hands the call over and returns once it waits in line, behind those before it. */
    private <T> CompletableFuture<T> inLine(Supplier<T> call) {
        int before = shared.inLine();
        CompletableFuture<T> waiting = CompletableFuture.supplyAsync(call, callers);
        await().atMost(TIMEOUT).until(() -> shared.inLine() == before + 1);
        return waiting;
    }
}
