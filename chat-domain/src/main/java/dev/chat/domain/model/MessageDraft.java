package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A message accepted for a room but not yet stored: the history assigns its {@code seq}.
 *
 * @param idempotencyKey identifies the send across retries (session and client ref), or null: a draft whose key the
 *     room's history already holds is not stored again
 */
public record MessageDraft(RoomName room, String id, Nickname user, String text, Instant time, String idempotencyKey) {
    public MessageDraft {
        requireNonNull(room, "room");
        requireNonNull(id, "id");
        requireNonNull(user, "user");
        requireNonNull(text, "text");
        requireNonNull(time, "time");
        if (idempotencyKey != null && idempotencyKey.isEmpty()) {
            throw new IllegalArgumentException("idempotencyKey must not be empty");
        }
    }

    /** A draft without an idempotency key: every append of it stores a new message. */
    public MessageDraft(RoomName room, String id, Nickname user, String text, Instant time) {
        this(room, id, user, text, time, null);
    }

    public ChatMessage withSeq(long seq) {
        return new ChatMessage(room, seq, id, user, text, time);
    }
}
