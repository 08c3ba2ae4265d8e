package dev.chat.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** Commands whose callers do not wait, against a real Redis that the tests freeze and kill. */
class AsyncConnectionIT {
    private static final Duration TIMEOUT = Duration.ofMillis(1500);

    private final RedisServerProcess redis = RedisServerProcess.start();
    private final AsyncConnection async = RedisStores.asyncConnection(redis.uri(), TIMEOUT);
    private final CommandObjects commands = new CommandObjects();

    AsyncConnectionIT() {
        async.start();
    }

    @AfterEach
    void stop() throws Exception {
        redis.thaw();
        async.close();
        redis.close();
    }

    @Test
    void givenManyCommandsAtOnce_eachReplyCompletesItsOwnStage_inTheOrderSent_onTheConnectionsThread()
            throws Exception {
        List<CompletableFuture<Long>> counts = new ArrayList<>();
        List<CompletableFuture<String>> threads = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            CompletableFuture<Long> count = async.send(commands.incr("counter"));
            counts.add(count);
            threads.add(count.thenApply(ignored -> Thread.currentThread().getName()));
        }

        for (int i = 0; i < counts.size(); i++) {
            assertThat(counts.get(i).get(5, TimeUnit.SECONDS)).isEqualTo(i + 1L);
        }
        assertThat(threads.get(threads.size() - 1).get(5, TimeUnit.SECONDS)).isEqualTo("redis-replies");
        assertThat(async.writes()).as("several commands a write").isLessThan(2_000);
    }

    @Test
    void givenAReplyWhoseCallerChainsTheNextCommand_itGoesInALaterWrite_andIsAnswered() throws Exception {
        CompletableFuture<Object> chained = async.send(commands.set("first", "1"))
                .thenCompose(ok -> async.send(commands.get("first")))
                .thenApply(value -> value);

        assertThat(chained.get(5, TimeUnit.SECONDS)).isEqualTo("1");
    }

    @Test
    void givenAnErrorReplyInABatch_onlyItsOwnStageFails() throws Exception {
        CompletableFuture<String> frozenOut = aCommandOutToAFrozenRedis();
        CompletableFuture<String> before = inLine(commands.set("before", "1"));
        CompletableFuture<Object> failing = inLine(commands.eval("return redis.error_reply('no such thing')"));
        CompletableFuture<Long> after = inLine(commands.incr("after"));
        redis.thaw();

        assertThat(frozenOut.get(5, TimeUnit.SECONDS)).isNull();
        assertThat(before.get(5, TimeUnit.SECONDS)).isEqualTo("OK");
        assertThat(after.get(5, TimeUnit.SECONDS)).isEqualTo(1L);
        assertThatThrownBy(() -> failing.get(5, TimeUnit.SECONDS))
                .cause()
                .isInstanceOf(JedisDataException.class)
                .hasMessageContaining("no such thing");
    }

    @Test
    void givenAFrozenRedis_aSentCommandsOutcomeIsUnknown_everyStageIsToldInTime_andTheConnectionRecovers()
            throws Exception {
        CompletableFuture<String> sent = aCommandOutToAFrozenRedis();
        CompletableFuture<Long> waiting = inLine(commands.incr("waiting"));
        long start = System.nanoTime();

        assertThatThrownBy(() -> sent.get(5, TimeUnit.SECONDS))
                .cause()
                .isInstanceOf(JedisConnectionException.class)
                .isNotInstanceOf(SharedConnection.NotSent.class);
        assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(JedisConnectionException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT.multipliedBy(3));

        redis.thaw();
        await().atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .until(() ->
                        "OK".equals(async.send(commands.set("key", "again")).get(5, TimeUnit.SECONDS)));
    }

    @Test
    void givenAStoppedRedis_commandsFailAsNeverSent_untilItIsBack() throws Exception {
        async.send(commands.set("key", "value")).get(5, TimeUnit.SECONDS);
        redis.kill();

        // The first is written to the old connection (the kernel takes it) before its end is read: sent, outcome
        // unknown. The next finds nobody to connect to.
        assertThatThrownBy(() -> async.send(commands.get("key")).get(5, TimeUnit.SECONDS))
                .cause()
                .isInstanceOf(JedisConnectionException.class)
                .isNotInstanceOf(SharedConnection.NotSent.class);
        assertThatThrownBy(() -> async.send(commands.get("key")).get(5, TimeUnit.SECONDS))
                .cause()
                .isInstanceOf(SharedConnection.NotSent.class);

        redis.startAgain();
        await().atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .until(() ->
                        "OK".equals(async.send(commands.set("key", "again")).get(5, TimeUnit.SECONDS)));
    }

    @Test
    void givenALineAtItsBound_theNextCommandIsRefusedAtOnce() throws Exception {
        CompletableFuture<String> sent = aCommandOutToAFrozenRedis();
        List<CompletableFuture<Long>> line = new ArrayList<>();
        for (int i = 0; i < AsyncConnection.MAX_IN_LINE; i++) {
            line.add(async.send(commands.incr("line")));
        }

        CompletableFuture<Long> beyond = async.send(commands.incr("line"));

        assertThat(beyond).isCompletedExceptionally();
        assertThatThrownBy(beyond::join).cause().isInstanceOf(AsyncConnection.LineFull.class);
        assertThat(sent).isNotDone();
        redis.thaw();
        assertThat(sent.get(5, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void givenItIsClosed_aCommandInLineIsToldAtOnce_andNoneIsTakenAfter() throws Exception {
        CompletableFuture<String> sent = aCommandOutToAFrozenRedis();
        CompletableFuture<String> inLine = inLine(commands.get("in line"));

        async.close();

        assertThatThrownBy(() -> inLine.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(SharedConnection.NotSent.class);
        assertThat(sent).isNotDone(); // told before the frozen Redis's timeout ran out, not after it
        assertThatThrownBy(() -> sent.get(5, TimeUnit.SECONDS))
                .cause()
                .isInstanceOf(JedisConnectionException.class)
                .isNotInstanceOf(SharedConnection.NotSent.class);
        assertThatThrownBy(() -> async.send(commands.get("later")).get(5, TimeUnit.SECONDS))
                .cause()
                .isInstanceOf(SharedConnection.NotSent.class);
    }

    /** Connects, freezes Redis, and reads a key: written, its reply held up until Redis thaws. */
    private CompletableFuture<String> aCommandOutToAFrozenRedis() throws Exception {
        async.send(commands.ping()).get(5, TimeUnit.SECONDS); // connected before the freeze
        long writesBefore = async.writes();
        redis.freeze();
        CompletableFuture<String> out = async.send(commands.get("frozen out"));
        await().atMost(TIMEOUT).until(() -> async.writes() == writesBefore + 1 && async.inLine() == 0);
        return out;
    }

    /** Sends the command and returns once it waits in line, behind the one out. */
    private <T> CompletableFuture<T> inLine(redis.clients.jedis.CommandObject<T> command) {
        int before = async.inLine();
        CompletableFuture<T> waiting = async.send(command);
        assertThat(async.inLine()).isEqualTo(before + 1);
        return waiting;
    }
}
