package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

/**
 * A refused command: stable code, human message, the client's {@code ref} if it gave one, and for a refusal that
 * passes with time ({@link ErrorCode#RATE_LIMITED}) how many milliseconds to wait before trying again (else null).
 */
public record ErrorEvent(ErrorCode code, String message, String ref, Long retryAfterMs) implements ServerEvent {
    public ErrorEvent {
        requireNonNull(code, "code");
        requireNonNull(message, "message");
    }

    public ErrorEvent(ErrorCode code, String message, String ref) {
        this(code, message, ref, null);
    }
}
