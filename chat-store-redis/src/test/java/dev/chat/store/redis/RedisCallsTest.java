package dev.chat.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.port.out.RecordingTurn;
import dev.chat.domain.port.out.StoreWaits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

class RedisCallsTest {
    @Test
    void givenEveryTurnTaken_oneCallerMayWait_andTheNextIsRefusedAtOnce() throws Exception {
        RedisCalls calls = new RedisCalls(1, 1, Duration.ofSeconds(10), new SimpleMeterRegistry());
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> calls.call(() -> {
            running.countDown();
            await(release);
            return "first";
        }));
        running.await(5, TimeUnit.SECONDS);
        CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> calls.call(() -> "second"));
        awaitWaiter(calls, second);

        assertThatThrownBy(() -> calls.call(() -> "third")).isInstanceOf(ChatException.class);

        release.countDown();
        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("second");
        assertThat(calls.call(() -> "fourth")).isEqualTo("fourth");
    }

    @Test
    void givenAWriteThatMayHaveReachedRedis_itIsOutcomeUnknown_andOneThatSurelyDidNot_unavailable() {
        RedisCalls calls = new RedisCalls(4);

        assertThat(codeOf(() -> calls.write(() -> {
                    throw new JedisConnectionException(new SocketTimeoutException("Read timed out"));
                })))
                .isEqualTo(ErrorCode.OUTCOME_UNKNOWN);
        assertThat(codeOf(() -> calls.write(() -> {
                    throw new JedisConnectionException("Failed to connect", new ConnectException("refused"));
                })))
                .isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(codeOf(() -> calls.write(() -> {
                    throw new JedisException("Could not get a resource from the pool", new NoSuchElementException());
                })))
                .isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(codeOf(() -> calls.write(() -> {
                    throw new SharedConnection.NotSent("still in line when its caller gave up");
                })))
                .isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(codeOf(() -> calls.call(() -> {
                    throw new JedisConnectionException(new SocketTimeoutException("Read timed out"));
                })))
                .isEqualTo(ErrorCode.UNAVAILABLE); // a read changed nothing
    }

    @Test
    void givenACallerHoldingAnOpeningsTurn_itGivesTheTurnUpForTheCall() {
        RedisCalls calls = new RedisCalls(4);
        RecordingTurn turn = new RecordingTurn();

        String answer = StoreWaits.holding(
                turn,
                () -> calls.call(() -> {
                    turn.log.add("redis");
                    return "answer";
                }));

        assertThat(answer).isEqualTo("answer");
        assertThat(turn.log).containsExactly("give up", "redis", "take back");
    }

    private static ErrorCode codeOf(Runnable call) {
        try {
            call.run();
        } catch (ChatException e) {
            return e.code();
        }
        throw new AssertionError("no refusal");
    }

    /** Until the second caller is parked waiting for a turn (it cannot finish before the first). */
    private static void awaitWaiter(RedisCalls calls, CompletableFuture<String> waiter) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (calls.waitingCount() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(calls.waitingCount()).isEqualTo(1);
        assertThat(waiter).isNotDone();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
