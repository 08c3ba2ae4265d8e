package dev.chat.domain.port.out;

import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.HistorySlice;
import dev.chat.domain.model.MessageDraft;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.RoomPosition;
import java.util.List;

/**
 * Per-room message log with contiguous sequence numbers, keeping the latest messages of each room.
 *
 * <p>{@link #append} assigns the room's next seq, stores the message and publishes it on the {@link EventBus} as
 * one atomic step, so publish order equals seq order on every node. Thread-safe.
 *
 * <p>Appends are idempotent by {@link MessageDraft#idempotencyKey()}: while a message stored with a key is among the
 * room's kept messages, appending a draft with the same key stores and publishes nothing and returns that message.
 * The check and the append are one atomic step, so of concurrent appends with one key exactly one is stored.
 */
public interface MessageHistory {
    /** Stores and publishes the draft; returns the stored message, or the earlier one with the same key. */
    ChatMessage append(MessageDraft draft);

    /** Up to {@code limit} messages with seq greater than {@code afterSeq}, oldest first. */
    HistorySlice readAfter(RoomName room, long afterSeq, int limit);

    /** The room's epoch and latest seq (0 if it has no message yet), without reading messages. */
    RoomPosition position(RoomName room);

    /**
     * What a joiner is shown: the room's epoch and latest seq, with its latest messages up to that seq, at most
     * {@code limit}, oldest first; complete when none of those was trimmed. A store that can read both at once
     * overrides this to save a round trip per join.
     */
    default HistorySlice latest(RoomName room, int limit) {
        RoomPosition now = position(room);
        if (limit <= 0 || now.seq() == 0) {
            return new HistorySlice(now.epoch(), now.seq(), List.of(), true);
        }
        List<ChatMessage> upToNow = readAfter(room, Math.max(0, now.seq() - limit), limit).messages().stream()
                .filter(message -> message.seq() <= now.seq()) // appended since the position was read: not yet
                .toList();
        return new HistorySlice(now.epoch(), now.seq(), upToNow, isComplete(upToNow, now.seq(), limit));
    }

    /** Whether {@code latest} holds all of the {@code limit} messages up to {@code seq} that there were. */
    static boolean isComplete(List<ChatMessage> latest, long seq, int limit) {
        return latest.size() == Math.min(Math.max(0, limit), seq);
    }
}
