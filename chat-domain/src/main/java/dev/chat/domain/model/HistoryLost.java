package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

/**
 * The room's stored history was lost (its store came back empty), so its seqs start again under a new epoch. Only an
 * event bus reports it, to the listeners it had before the loss, ahead of the new epoch's first message. It never
 * reaches the wire as such: members are told {@code notRecovered} ({@code epoch_changed}) and get a fresh snapshot.
 */
public record HistoryLost(RoomName room) implements RoomEvent {
    public HistoryLost {
        requireNonNull(room, "room");
    }
}
