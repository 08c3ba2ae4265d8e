package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

/** Post {@code text} to {@code room}. Text limits are checked by the service, which knows the configuration. */
public record SendMessage(RoomName room, String text, String ref) implements ClientCommand {
    public SendMessage {
        requireNonNull(room, "room");
        requireNonNull(text, "text");
    }
}
