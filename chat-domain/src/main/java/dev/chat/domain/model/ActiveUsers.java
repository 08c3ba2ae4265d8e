package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Snapshot of a room's members, sorted by nickname, and of where its message log stands: the client has every
 * message up to {@code position} (or chose not to), and receives every event of the room after it.
 */
public record ActiveUsers(RoomName room, List<Nickname> users, RoomPosition position) implements ServerEvent {
    public ActiveUsers {
        requireNonNull(room, "room");
        users = List.copyOf(users);
        requireNonNull(position, "position");
    }
}
