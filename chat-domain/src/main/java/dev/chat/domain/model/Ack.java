package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

/**
 * Success of a client command. {@code seq} is the message's sequence number for a sent message, and the
 * room's latest sequence number for join and leave. {@code ref} echoes the client's reference, or is null.
 */
public record Ack(String ref, RoomName room, long seq) implements ServerEvent {
    public Ack {
        requireNonNull(room, "room");
    }
}
