package dev.chat.domain.port.out;

import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.HistorySlice;
import dev.chat.domain.model.MessageDraft;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.RoomPosition;

/**
 * Per-room message log with contiguous sequence numbers, keeping the latest messages of each room.
 *
 * <p>{@link #append} assigns the room's next seq, stores the message and publishes it on the {@link EventBus} as
 * one atomic step, so publish order equals seq order on every node. Thread-safe.
 */
public interface MessageHistory {
    ChatMessage append(MessageDraft draft);

    /** Up to {@code limit} messages with seq greater than {@code afterSeq}, oldest first. */
    HistorySlice readAfter(RoomName room, long afterSeq, int limit);

    /** The room's epoch and latest seq (0 if it has no message yet), without reading messages. */
    RoomPosition position(RoomName room);
}
