package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

/** {@code user} left {@code room}, or went offline. */
public record UserDisconnected(RoomName room, Nickname user) implements RoomEvent {
    public UserDisconnected {
        requireNonNull(room, "room");
        requireNonNull(user, "user");
    }
}
