package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** The session's sign-in runs out at {@code expiresAt}: send {@code refresh} with a new token before then. */
public record TokenExpiring(Instant expiresAt) implements ServerEvent {
    public TokenExpiring {
        requireNonNull(expiresAt, "expiresAt");
    }
}
