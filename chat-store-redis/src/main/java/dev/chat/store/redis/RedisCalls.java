package dev.chat.store.redis;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ErrorCode;
import java.net.ConnectException;
import java.util.NoSuchElementException;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Every Redis call that serves a client goes through here: at most {@code maxWaiting} at once (beyond that a call is
 * refused at once rather than queued behind a stalled Redis), and each failure becomes the answer clients understand.
 * A read or a write that surely did not reach Redis is {@code unavailable}: nothing changed. A write that was sent
 * and not answered (a timeout, a connection lost mid-call) may still be carried out: it is {@code outcome_unknown},
 * and the client retries it with the same ref (appends are idempotent by ref).
 */
final class RedisCalls {
    private final Semaphore waiting;

    RedisCalls(int maxWaiting) {
        if (maxWaiting < 1) {
            throw new IllegalArgumentException("maxWaiting must be positive: " + maxWaiting);
        }
        this.waiting = new Semaphore(maxWaiting);
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
        if (!waiting.tryAcquire()) {
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
            waiting.release();
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
