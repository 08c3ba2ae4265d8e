package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A stored chat message. {@code seq} is contiguous per room (1, 2, 3, ...), {@code id} is unique across rooms.
 */
public record ChatMessage(RoomName room, long seq, String id, Nickname user, String text, Instant time)
        implements RoomEvent {
    public ChatMessage {
        requireNonNull(room, "room");
        requireNonNull(id, "id");
        requireNonNull(user, "user");
        requireNonNull(text, "text");
        requireNonNull(time, "time");
        if (seq < 1) {
            throw new IllegalArgumentException("seq starts at 1: " + seq);
        }
    }
}
