package dev.chat.transport.core;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.ErrorEvent;
import dev.chat.domain.model.RateLimitedException;
import dev.chat.protocol.RejectedCommandException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a client is told when something it asked for failed: the same mapping on every transport. */
public final class Refusals {
    private static final Logger log = LoggerFactory.getLogger(Refusals.class);

    private Refusals() {}

    /**
     * The {@code error} event for a failure: a refusal keeps its code (and a rejected command its ref); anything else
     * is a bug, logged here and told as {@code internal}.
     *
     * @param ref the command's ref, when the failure is a command's and the ref is known
     */
    public static ErrorEvent of(Throwable failure, String ref) {
        Throwable cause = unwrap(failure);
        if (cause instanceof RejectedCommandException rejected) {
            return new ErrorEvent(rejected.code(), rejected.getMessage(), rejected.ref());
        }
        if (cause instanceof RateLimitedException limited) {
            return new ErrorEvent(limited.code(), limited.getMessage(), ref, limited.retryAfterMillis());
        }
        if (cause instanceof ChatException refusal) {
            return new ErrorEvent(refusal.code(), refusal.getMessage(), ref);
        }
        log.error("request failed", cause);
        return new ErrorEvent(ErrorCode.INTERNAL, "internal error", ref);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
