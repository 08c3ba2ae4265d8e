package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

/** Join {@code room}; joining a room you are in again just re-sends its member list. */
public record JoinRoom(RoomName room, String ref) implements ClientCommand {
    public JoinRoom {
        requireNonNull(room, "room");
    }
}
