package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

/** A refused command: stable code, human message, and the client's {@code ref} if it gave one. */
public record ErrorEvent(ErrorCode code, String message, String ref) implements ServerEvent {
    public ErrorEvent {
        requireNonNull(code, "code");
        requireNonNull(message, "message");
    }
}
