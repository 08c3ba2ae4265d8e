package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** Snapshot of a room's members, sorted by nickname. */
public record ActiveUsers(RoomName room, List<Nickname> users) implements ServerEvent {
    public ActiveUsers {
        requireNonNull(room, "room");
        users = List.copyOf(users);
    }
}
