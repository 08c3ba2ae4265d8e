package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A command over its session's rate limit: nothing was done. {@link #retryAfter} says when the budget has room again.
 * When the session had kept flooding for the whole abuse window it is also {@linkplain #sessionEnded() ended}.
 */
public final class RateLimitedException extends ChatException {
    private final Duration retryAfter;
    private final boolean sessionEnded;

    public RateLimitedException(String message, Duration retryAfter, boolean sessionEnded) {
        super(ErrorCode.RATE_LIMITED, message);
        this.retryAfter = requireNonNull(retryAfter, "retryAfter");
        this.sessionEnded = sessionEnded;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** Milliseconds to wait, at least one. */
    public long retryAfterMillis() {
        return Math.max(1, retryAfter.toMillis());
    }

    /**
     * The session flooded for too long and is ended (where it is served, its connection closed with
     * {@link CloseReason#ABUSE}); a transport that answers this request itself ends the exchange too.
     */
    public boolean sessionEnded() {
        return sessionEnded;
    }
}
