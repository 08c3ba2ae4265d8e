package dev.chat.domain.memory;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.RoomEvent;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.port.out.EventBus;
import dev.chat.domain.port.out.Subscription;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * In-process event bus. Single node only.
 *
 * <p>Each room has a queue that one thread at a time drains: a publisher enqueues and, if nobody is draining the
 * room, delivers until the queue is empty. Delivery thus keeps one order per room, holds no lock while listeners
 * run, and never makes a publisher wait for another room's (or its own room's) delivery in progress.
 */
public final class InMemoryEventBus implements EventBus {
    private final ConcurrentHashMap<RoomName, Topic> topics = new ConcurrentHashMap<>();

    @Override
    public void publish(RoomEvent event) {
        Topic topic = enqueue(event);
        if (topic != null) {
            topic.drain();
        }
    }

    @Override
    public Subscription subscribe(RoomName room, Consumer<RoomEvent> listener) {
        requireNonNull(listener, "listener");
        topics.compute(room, (name, topic) -> {
            Topic existing = topic != null ? topic : new Topic();
            existing.listeners.add(listener);
            return existing;
        });
        return () -> topics.computeIfPresent(room, (name, topic) -> {
            topic.listeners.remove(listener);
            return topic.listeners.isEmpty() ? null : topic;
        });
    }

    /** How many listeners the room has: 0 once the last one closed its subscription. */
    public int listenerCount(RoomName room) {
        Topic topic = topics.get(room);
        return topic == null ? 0 : topic.listeners.size();
    }

    /**
     * Queues the event without delivering it, so a caller can fix its place in the room's order while holding its
     * own lock and deliver after releasing it. Returns the topic to {@link Topic#drain()}, or null if nobody
     * listens.
     */
    Topic enqueue(RoomEvent event) {
        Topic topic = topics.get(event.room());
        if (topic == null) {
            return null;
        }
        topic.enqueue(event);
        return topic;
    }

    static final class Topic {
        private final List<Consumer<RoomEvent>> listeners = new CopyOnWriteArrayList<>();
        private final Queue<RoomEvent> pending = new ArrayDeque<>();
        private boolean draining;

        private synchronized void enqueue(RoomEvent event) {
            pending.add(event);
        }

        void drain() {
            synchronized (this) {
                if (draining) {
                    return; // the thread already draining will deliver our event in order
                }
                draining = true;
            }
            while (true) {
                RoomEvent next;
                synchronized (this) {
                    next = pending.poll();
                    if (next == null) {
                        draining = false;
                        return;
                    }
                }
                for (Consumer<RoomEvent> listener : listeners) {
                    deliver(listener, next);
                }
            }
        }

        private static void deliver(Consumer<RoomEvent> listener, RoomEvent event) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                // A broken listener must not starve the others; surface it where the thread reports failures.
                Thread current = Thread.currentThread();
                current.getUncaughtExceptionHandler().uncaughtException(current, e);
            }
        }
    }
}
