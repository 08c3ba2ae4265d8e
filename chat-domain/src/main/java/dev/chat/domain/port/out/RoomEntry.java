package dev.chat.domain.port.out;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.HistorySlice;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SessionToken;

/**
 * A joiner's arrival with what it is shown first, read after its add: the room's first members with its count, and
 * its latest messages. Every connect into a room makes this call, so a store that keeps a room's presence and
 * history side by side answers it in one round trip; {@link #of} makes it from the two ports otherwise. Thread-safe.
 */
public interface RoomEntry {
    /**
     * {@link PresenceStore#addAndReadFirst}, then {@link MessageHistory#latest}. If it fails, the add may or may not
     * have happened, as with {@link PresenceStore#add}.
     *
     * @param memberReads at most how many members to read from the first
     * @param historyLimit at most how many of the latest messages to read
     */
    Entered enter(RoomName room, Nickname user, SessionToken session, int memberReads, int historyLimit);

    /**
     * @param arrived true if the member was not listed before
     * @param first the room's first members, the joiner among them if it sorts there, with the room's count
     * @param latest the room's position and latest messages, read after the add
     */
    record Entered(boolean arrived, PresenceStore.FirstMembers first, HistorySlice latest) {
        public Entered {
            requireNonNull(first, "first");
            requireNonNull(latest, "latest");
        }
    }

    /** Two calls, presence first: for stores that cannot answer both at once. */
    static RoomEntry of(PresenceStore presence, MessageHistory history) {
        requireNonNull(presence, "presence");
        requireNonNull(history, "history");
        return (room, user, session, memberReads, historyLimit) -> {
            PresenceStore.Joined joined = presence.addAndReadFirst(room, user, session, memberReads);
            return new Entered(joined.arrived(), joined.first(), history.latest(room, historyLimit));
        };
    }
}
