package dev.chat.domain.port.out;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.HistorySlice;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.model.UserConnected;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A joiner's arrival, announced, with what it is shown first, read after its add: the room's first members with its
 * count, and its latest messages. Every connect into a room makes this call, so a store that keeps a room's presence,
 * history and channel side by side answers it in one round trip; {@link #of} makes it from the three ports otherwise.
 * Thread-safe.
 */
public interface RoomEntry {
    /**
     * {@link PresenceStore#addAndReadFirst}, then {@link MessageHistory#latest}, and a {@link UserConnected} on the
     * room's bus if the member arrived. If it fails, the add and its announcement may or may not have happened: undo
     * it with {@link PresenceStore#remove}, announcing the departure if that took the member out.
     *
     * @param memberReads at most how many members to read from the first
     * @param historyLimit at most how many of the latest messages to read
     */
    Entered enter(RoomName room, Nickname user, SessionToken session, int memberReads, int historyLimit);

    /**
     * {@link #enter} without a thread waiting on the store: a store that answers over the network completes the stage
     * on the thread that reads its reply. Fails as {@link #enter} throws, with the same undo.
     */
    default CompletionStage<Entered> enterAsync(
            RoomName room, Nickname user, SessionToken session, int memberReads, int historyLimit) {
        try {
            return CompletableFuture.completedFuture(enter(room, user, session, memberReads, historyLimit));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * @param arrived true if the member was not listed before (and so was announced)
     * @param first the room's first members, the joiner among them if it sorts there, with the room's count
     * @param latest the room's position and latest messages, read after the add
     */
    record Entered(boolean arrived, PresenceStore.FirstMembers first, HistorySlice latest) {
        public Entered {
            requireNonNull(first, "first");
            requireNonNull(latest, "latest");
        }
    }

    /** The ports' own calls, presence first, the announcement last: for stores that cannot answer at once. */
    static RoomEntry of(PresenceStore presence, MessageHistory history, EventBus bus) {
        requireNonNull(presence, "presence");
        requireNonNull(history, "history");
        requireNonNull(bus, "bus");
        return (room, user, session, memberReads, historyLimit) -> {
            PresenceStore.Joined joined = presence.addAndReadFirst(room, user, session, memberReads);
            HistorySlice latest = history.latest(room, historyLimit);
            if (joined.arrived()) {
                bus.publish(new UserConnected(room, user));
            }
            return new Entered(joined.arrived(), joined.first(), latest);
        };
    }
}
