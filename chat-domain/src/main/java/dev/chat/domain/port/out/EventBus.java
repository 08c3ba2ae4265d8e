package dev.chat.domain.port.out;

import dev.chat.domain.model.RoomEvent;
import dev.chat.domain.model.RoomName;
import java.util.List;
import java.util.function.Consumer;

/**
 * Fans room events out to every subscriber of the room, on every node, the publishing node included.
 *
 * <p>Contract: each subscriber receives each event published after it subscribed exactly once (while the bus is
 * healthy), and all subscribers of a room see the room's events in the same order. Listeners are called one event
 * at a time per room, must not block, and must not throw. Thread-safe.
 *
 * <p>A bus that loses its connection may deliver a room's recent messages again when it comes back (listeners drop
 * repeats by seq). If the store lost a room's history, the bus delivers {@link dev.chat.domain.model.HistoryLost}
 * before the first message of the room's new epoch, so listeners know seqs start again. The service never publishes
 * that event.
 */
public interface EventBus {
    void publish(RoomEvent event);

    Subscription subscribe(RoomName room, Listener listener);

    /**
     * Takes a room's events. A bus that finds several of a room's events queued may hand them over together, in
     * order: a listener can then write each recipient's share at once (one socket write for several frames).
     */
    @FunctionalInterface
    interface Listener extends Consumer<RoomEvent> {
        /** The events, in order; the same as taking them one at a time, unless the listener does better. */
        default void acceptAll(List<RoomEvent> events) {
            events.forEach(this);
        }

        /** What a bus calls with the events it has for the listener at once: a lone one goes to {@link #accept}. */
        default void acceptRun(List<RoomEvent> events) {
            if (events.size() == 1) {
                accept(events.get(0));
            } else {
                acceptAll(events);
            }
        }
    }
}
