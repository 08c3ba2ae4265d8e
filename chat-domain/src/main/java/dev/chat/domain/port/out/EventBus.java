package dev.chat.domain.port.out;

import dev.chat.domain.model.RoomEvent;
import dev.chat.domain.model.RoomName;
import java.util.function.Consumer;

/**
 * Fans room events out to every subscriber of the room, on every node, the publishing node included.
 *
 * <p>Contract: each subscriber receives each event published after it subscribed exactly once (while the bus is
 * healthy), and all subscribers of a room see the room's events in the same order. Listeners are called one event
 * at a time per room, must not block, and must not throw. Thread-safe.
 */
public interface EventBus {
    void publish(RoomEvent event);

    Subscription subscribe(RoomName room, Consumer<RoomEvent> listener);
}
