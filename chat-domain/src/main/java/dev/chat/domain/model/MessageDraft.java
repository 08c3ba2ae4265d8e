package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** A message accepted for a room but not yet stored: the history assigns its {@code seq}. */
public record MessageDraft(RoomName room, String id, Nickname user, String text, Instant time) {
    public MessageDraft {
        requireNonNull(room, "room");
        requireNonNull(id, "id");
        requireNonNull(user, "user");
        requireNonNull(text, "text");
        requireNonNull(time, "time");
    }

    public ChatMessage withSeq(long seq) {
        return new ChatMessage(room, seq, id, user, text, time);
    }
}
