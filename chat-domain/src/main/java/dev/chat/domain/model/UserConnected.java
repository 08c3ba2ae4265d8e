package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

/** {@code user} joined {@code room}. */
public record UserConnected(RoomName room, Nickname user) implements RoomEvent {
    public UserConnected {
        requireNonNull(room, "room");
        requireNonNull(user, "user");
    }
}
