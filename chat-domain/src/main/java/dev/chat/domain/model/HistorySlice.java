package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Messages of a room read from history.
 *
 * @param epoch identifies the history's lifetime; it changes when stored history was lost, which makes old
 *     sequence numbers meaningless
 * @param lastSeq the room's latest sequence number when read (0 for an empty room)
 * @param messages the messages after the requested seq, ascending and contiguous
 * @param complete false when messages after the requested seq were already trimmed, so a gap precedes
 *     {@code messages}
 */
public record HistorySlice(String epoch, long lastSeq, List<ChatMessage> messages, boolean complete) {
    public HistorySlice {
        requireNonNull(epoch, "epoch");
        messages = List.copyOf(messages);
    }
}
