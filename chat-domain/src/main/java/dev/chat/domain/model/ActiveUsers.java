package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Snapshot of a room's members, sorted by nickname, and of where its message log stands: the client has every
 * message up to {@code position} (or chose not to), and receives every event of the room after it. A big room's
 * snapshot lists only its first members ({@code complete} false); {@code count} is how many there are in all.
 */
public record ActiveUsers(RoomName room, List<Nickname> users, RoomPosition position, int count, boolean complete)
        implements ServerEvent {
    public ActiveUsers {
        requireNonNull(room, "room");
        users = List.copyOf(users);
        requireNonNull(position, "position");
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
    }

    /** Every member listed. */
    public ActiveUsers(RoomName room, List<Nickname> users, RoomPosition position) {
        this(room, users, position, users.size(), true);
    }
}
