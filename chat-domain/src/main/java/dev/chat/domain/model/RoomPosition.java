package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

/** Where a room's message log stands: its epoch and a message seq in it (0 before the first message). */
public record RoomPosition(String epoch, long seq) {
    public RoomPosition {
        requireNonNull(epoch, "epoch");
        if (seq < 0) {
            throw new IllegalArgumentException("seq must not be negative: " + seq);
        }
    }
}
