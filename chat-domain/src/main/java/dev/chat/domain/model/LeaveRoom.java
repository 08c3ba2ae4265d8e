package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

/** Leave {@code room}. */
public record LeaveRoom(RoomName room, String ref) implements ClientCommand {
    public LeaveRoom {
        requireNonNull(room, "room");
    }
}
