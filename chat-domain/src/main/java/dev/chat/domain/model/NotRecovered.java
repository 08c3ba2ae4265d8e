package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

/**
 * On resume: the messages a client missed in {@code room} cannot be replayed, so it gets a fresh snapshot instead
 * and must treat its view of the room's history as having a gap.
 */
public record NotRecovered(RoomName room, Reason reason) implements ServerEvent {
    public NotRecovered {
        requireNonNull(room, "room");
        requireNonNull(reason, "reason");
    }

    /** Why the gap cannot be filled. */
    public enum Reason {
        /** The client sent no usable position for the room. */
        NO_CURSOR("no_cursor"),
        /** The room's history was lost (e.g. the store was reset), so old seqs mean nothing. */
        EPOCH_CHANGED("epoch_changed"),
        /** The missed messages were already trimmed from history. */
        HISTORY_TRIMMED("history_trimmed");

        private final String wireCode;

        Reason(String wireCode) {
            this.wireCode = wireCode;
        }

        public String wireCode() {
            return wireCode;
        }
    }
}
