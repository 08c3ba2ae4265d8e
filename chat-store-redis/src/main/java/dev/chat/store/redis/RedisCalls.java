package dev.chat.store.redis;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ErrorCode;
import java.net.ConnectException;
import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Every Redis call that serves a client goes through here. At most {@code maxInFlight} run at once; a call beyond
 * that may wait up to {@code maxWait} for its turn if fewer than {@code maxWaiting} already wait, and is refused at
 * once otherwise, so a stalled Redis holds a bounded number of threads for a bounded time while a busy but healthy one
 * absorbs a burst. Each failure becomes the answer clients understand. A read or a write that surely did not reach
 * Redis is {@code unavailable}: nothing changed. A write that was sent and not answered (a timeout, a connection lost
 * mid-call) may still be carried out: it is {@code outcome_unknown}, and the client retries it with the same ref
 * (appends are idempotent by ref).
 */
final class RedisCalls {
    private final Semaphore inFlight;
    private final int maxWaiting;
    private final Duration maxWait;
    private final AtomicInteger waiting = new AtomicInteger();

    RedisCalls(int maxInFlight, int maxWaiting, Duration maxWait) {
        if (maxInFlight < 1 || maxWaiting < 0) {
            throw new IllegalArgumentException("need maxInFlight >= 1 and maxWaiting >= 0");
        }
        this.inFlight = new Semaphore(maxInFlight);
        this.maxWaiting = maxWaiting;
        this.maxWait = requireNonNull(maxWait, "maxWait");
    }

    /** For tests: this many at once, none waiting. */
    RedisCalls(int maxInFlight) {
        this(maxInFlight, 0, Duration.ZERO);
    }

    /** A call whose failure changed nothing (a read, or a write that is safe to repeat). */
    <T> T call(Supplier<T> call) {
        return guarded(call, false);
    }

    void run(Runnable call) {
        call(() -> {
            call.run();
            return null;
        });
    }

    /** A write that must not be reported as refused if it may have been carried out. */
    <T> T write(Supplier<T> call) {
        return guarded(call, true);
    }

    private <T> T guarded(Supplier<T> call, boolean outcomeMatters) {
        if (!takeTurn()) {
            throw unavailable("too many requests are waiting for the chat store, try again shortly");
        }
        try {
            return call.get();
        } catch (JedisException e) {
            if (outcomeMatters && mayHaveReachedRedis(e)) {
                throw new ChatException(
                        ErrorCode.OUTCOME_UNKNOWN,
                        "the chat store did not answer in time; send again with the same ref to be sure");
            }
            throw unavailable("the chat store is unavailable, try again shortly");
        } finally {
            inFlight.release();
        }
    }

    /** Callers waiting for a turn now. */
    int waitingCount() {
        return waiting.get();
    }

    private boolean takeTurn() {
        if (inFlight.tryAcquire()) {
            return true;
        }
        if (waiting.incrementAndGet() > maxWaiting) {
            waiting.decrementAndGet();
            return false;
        }
        try {
            return inFlight.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            waiting.decrementAndGet();
        }
    }

    /**
     * False only when the command surely was never sent: no connection was had (the pool was exhausted, or connecting
     * failed). When in doubt, true: "unknown" is always a safe answer, since a retry with the same ref lands once.
     */
    private static boolean mayHaveReachedRedis(JedisException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof NoSuchElementException || cause instanceof ConnectException) {
                return false;
            }
        }
        return true;
    }

    static ChatException unavailable(String message) {
        return new ChatException(ErrorCode.UNAVAILABLE, message);
    }
}
