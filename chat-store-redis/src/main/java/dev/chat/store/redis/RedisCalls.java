package dev.chat.store.redis;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.port.out.StoreWaits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ConnectException;
import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
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
    private final Timer latency;
    private final Counter refused;
    private final Counter unavailable;
    private final Counter outcomeUnknown;

    RedisCalls(int maxInFlight, int maxWaiting, Duration maxWait, MeterRegistry registry) {
        if (maxInFlight < 1 || maxWaiting < 0) {
            throw new IllegalArgumentException("need maxInFlight >= 1 and maxWaiting >= 0");
        }
        this.inFlight = new Semaphore(maxInFlight);
        this.maxWaiting = maxWaiting;
        this.maxWait = requireNonNull(maxWait, "maxWait");
        this.latency = Timer.builder("chat_redis_command")
                .description("Redis calls made for clients, answered or failed")
                .publishPercentileHistogram()
                .register(registry);
        this.refused = errors(registry, "refused");
        this.unavailable = errors(registry, "unavailable");
        this.outcomeUnknown = errors(registry, "outcome_unknown");
    }

    /** For tests: this many at once, none waiting, meters kept aside. */
    RedisCalls(int maxInFlight) {
        this(maxInFlight, 0, Duration.ZERO, new SimpleMeterRegistry());
    }

    private static Counter errors(MeterRegistry registry, String kind) {
        return Counter.builder("chat_redis_errors")
                .description("Redis calls that failed: refused before being sent (too many waiting), unavailable, "
                        + "or sent and not answered (outcome_unknown)")
                .tag("kind", kind)
                .register(registry);
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

    /** Without the caller's CPU turn while it waits, if it holds one (a connection being opened). */
    private <T> T guarded(Supplier<T> call, boolean outcomeMatters) {
        return StoreWaits.waiting(() -> guardedHere(call, outcomeMatters));
    }

    private <T> T guardedHere(Supplier<T> call, boolean outcomeMatters) {
        if (!takeTurn()) {
            refused.increment();
            throw unavailable("too many requests are waiting for the chat store, try again shortly");
        }
        long start = System.nanoTime();
        try {
            return call.get();
        } catch (JedisException e) {
            if (outcomeMatters && mayHaveReachedRedis(e)) {
                outcomeUnknown.increment();
                throw new ChatException(
                        ErrorCode.OUTCOME_UNKNOWN,
                        "the chat store did not answer in time; send again with the same ref to be sure");
            }
            unavailable.increment();
            throw unavailable("the chat store is unavailable, try again shortly");
        } finally {
            latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            inFlight.release();
        }
    }

    /**
     * A call whose caller does not wait ({@link AsyncConnection}): its failure, as {@link #call}'s would be, fails the
     * stage. No turn is taken: no thread is held, and the connection bounds the commands in line.
     */
    <T> CompletionStage<T> callAsync(Supplier<CompletionStage<T>> call) {
        long start = System.nanoTime();
        CompletionStage<T> stage;
        try {
            stage = call.get();
        } catch (JedisException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        return stage.handle((value, failure) -> {
            latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            if (failure == null) {
                return value;
            }
            Throwable cause =
                    failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof AsyncConnection.LineFull) {
                refused.increment();
                throw unavailable("too many requests are waiting for the chat store, try again shortly");
            }
            if (cause instanceof JedisException) {
                unavailable.increment();
                throw unavailable("the chat store is unavailable, try again shortly");
            }
            throw cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
        });
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
        if (e instanceof SharedConnection.NotSent) {
            return false;
        }
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
