package dev.chat.domain.model;

/**
 * Success of a client command. {@code seq} is the message's sequence number for a sent message, and the
 * room's latest sequence number for join and leave. {@code ref} echoes the client's reference, or is null.
 * {@code room} is null for a command about no room ({@code refresh}), and {@code seq} then 0.
 */
public record Ack(String ref, RoomName room, long seq) implements ServerEvent {
    /** The ack of a command about no room. */
    public static Ack of(String ref) {
        return new Ack(ref, null, 0);
    }
}
