package dev.chat.store.redis;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.RoomEvent;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.port.out.EventBus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs room listeners on a thread of their own, so that the subscriber connection is read on while a big room is
 * being delivered, and the events that arrived meanwhile go to listeners together ({@link EventBus.Listener#acceptAll}):
 * each recipient then gets several frames in one socket write. One thread and one queue, so each room's events keep
 * the order they were received in.
 *
 * <p>The queue is bounded. A node whose delivery falls that far behind makes the subscriber wait; Redis then buffers
 * for it (up to its pub/sub output limit, past which it drops the connection, and the reconnect back-fills messages).
 */
final class RoomDeliveries implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RoomDeliveries.class);

    /** Events received and not yet delivered, at most. */
    static final int CAPACITY = 65_536;

    /** Events taken off the queue at once; a room's run is at most this long. */
    static final int MAX_RUN = 64;

    private record Received(RoomName room, RoomEvent event) {}

    /** Put in the queue by {@link #close}, so that a waiting thread wakes up and sees it is closed. */
    private static final Received STOP = new Received(null, null);

    private volatile boolean closed;
    private final BlockingQueue<Received> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final Function<RoomName, List<EventBus.Listener>> listenersOf;

    /** @param listenersOf a room's listeners at the time its events are delivered */
    RoomDeliveries(Function<RoomName, List<EventBus.Listener>> listenersOf) {
        this.listenersOf = requireNonNull(listenersOf, "listenersOf");
        Thread thread = new Thread(this::deliverUntilClosed, "redis-room-delivery");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a received event for the room's listeners; waits while the queue is full (not once closed). */
    void add(RoomName room, RoomEvent event) {
        Received received = new Received(room, event);
        try {
            while (!closed && !queue.offer(received, 100, TimeUnit.MILLISECONDS)) {
                // full: the subscriber waits, and Redis buffers for it
            }
        } catch (InterruptedException closing) {
            Thread.currentThread().interrupt(); // the subscriber is being stopped: nobody waits for this event
        }
    }

    /**
     * Stops delivering; what is still queued is dropped (the node is stopping). The thread is told by a marker, not
     * interrupted: an interrupt in the middle of a socket write would close that member's channel.
     */
    @Override
    public void close() {
        closed = true;
        queue.offer(STOP); // a full queue wakes the thread anyway, and it sees closed
    }

    /** Events waiting to be delivered. */
    int queued() {
        return queue.size();
    }

    private void deliverUntilClosed() {
        List<Received> taken = new ArrayList<>(MAX_RUN);
        Map<RoomName, List<RoomEvent>> byRoom = new LinkedHashMap<>();
        while (!closed) {
            try {
                taken.add(queue.take());
            } catch (InterruptedException interrupted) {
                return;
            }
            queue.drainTo(taken, MAX_RUN - 1);
            if (closed) {
                return;
            }
            for (Received received : taken) {
                if (received == STOP) {
                    continue;
                }
                byRoom.computeIfAbsent(received.room(), room -> new ArrayList<>())
                        .add(received.event());
            }
            byRoom.forEach(this::deliver);
            taken.clear();
            byRoom.clear();
        }
    }

    private void deliver(RoomName room, List<RoomEvent> events) {
        for (EventBus.Listener listener : listenersOf.apply(room)) {
            try {
                listener.acceptRun(events);
            } catch (RuntimeException e) {
                log.error("room event listener failed", e);
            }
        }
    }
}
