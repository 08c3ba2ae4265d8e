package dev.chat.domain.memory;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.RoomEvent;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.port.out.EventBus;
import dev.chat.domain.port.out.Subscription;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * In-process event bus. Single node only.
 *
 * <p>Each room has a queue that one thread at a time drains: a publisher enqueues and, if nobody is draining the
 * room, delivers until the queue is empty. Delivery thus keeps one order per room and holds no lock while listeners
 * run. Events that queued up while the room was being delivered are handed to listeners together
 * ({@link Listener#acceptAll}), so the busier the room, the more frames each recipient's socket write carries.
 *
 * <p>A publisher that finds the room being drained waits (briefly) until its own event is out. Without that, a
 * crowd joining one room left the thread draining it with one share of the CPU among hundreds of joining threads:
 * the room's events piled up, and a message waited behind them for seconds (docs/performance-log.md). Waiting takes
 * the publishers off the CPU, so the queue empties as fast as it fills. A thread that is itself delivering some
 * room's events never waits, so rooms cannot wait on each other. The thread delivering stops once its own event is
 * out and hands the rest to the earliest publisher waiting: each publisher's share is bounded, and none is kept from
 * reading its own connection for long.
 */
public final class InMemoryEventBus implements EventBus {
    /** How long a publisher waits for its event at most; then it leaves it to the thread draining. */
    private static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * How long a publisher delivers before it hands the room on (once its own event is out). Handing on costs a
     * thread switch: after cheap events (a crowd's arrivals in a big room, gathered) the deliverer goes on, after a
     * message's fan-out to a thousand members (milliseconds) it stops.
     */
    static final long SHARE_BEFORE_HANDING_OVER_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /**
     * The most events a listener is handed at once. Events that queued up while the room was being delivered go out
     * together (one write per recipient instead of one per event); a bound keeps each run's per-member work short.
     */
    static final int MAX_RUN = 64;

    private static final ThreadLocal<Boolean> DELIVERING = ThreadLocal.withInitial(() -> false);

    private final ConcurrentHashMap<RoomName, Topic> topics = new ConcurrentHashMap<>();

    @Override
    public void publish(RoomEvent event) {
        Queued queued = enqueue(event);
        if (queued != null) {
            queued.drain();
        }
    }

    @Override
    public Subscription subscribe(RoomName room, Listener listener) {
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
     * own lock and deliver after releasing it. Returns what to {@link Queued#drain()}, or null if nobody listens.
     */
    Queued enqueue(RoomEvent event) {
        Topic topic = topics.get(event.room());
        if (topic == null) {
            return null;
        }
        return new Queued(topic, topic.enqueue(event));
    }

    /** An event in its room's queue; {@link #drain()} sees it delivered (call it holding no lock). */
    record Queued(Topic topic, long ticket) {
        void drain() {
            topic.drain(ticket);
        }
    }

    static final class Topic {
        private final List<Listener> listeners = new CopyOnWriteArrayList<>();
        /** Guarded by this, as are the counters and the waiters. */
        private final Queue<RoomEvent> pending = new ArrayDeque<>();

        private boolean draining;
        private long enqueued;
        private long delivered;
        /** Publishers waiting for their event, the earliest ticket first. */
        private final PriorityQueue<Waiter> waiters = new PriorityQueue<>(Comparator.comparingLong(Waiter::ticket));

        private static final class Waiter {
            private final long ticket;
            private final Thread thread = Thread.currentThread();
            /** Set before {@link #released}: the waiter is to take over delivering the room. */
            private volatile boolean takesOver;

            private volatile boolean released;

            Waiter(long ticket) {
                this.ticket = ticket;
            }

            long ticket() {
                return ticket;
            }

            void release() {
                released = true;
                LockSupport.unpark(thread);
            }

            void handOver() {
                takesOver = true;
                release();
            }
        }

        private synchronized long enqueue(RoomEvent event) {
            pending.add(event);
            return ++enqueued;
        }

        void drain(long ticket) {
            Waiter waiter;
            synchronized (this) {
                if (!draining) {
                    draining = true;
                    waiter = null;
                } else if (DELIVERING.get() || delivered >= ticket) {
                    return; // left to the thread draining (which may be this one, further up)
                } else {
                    waiter = new Waiter(ticket);
                    waiters.add(waiter);
                }
            }
            if (waiter != null && !awaitRelease(waiter)) {
                return;
            }
            boolean outer = DELIVERING.get();
            DELIVERING.set(true);
            try {
                deliverThrough(ticket);
            } finally {
                DELIVERING.set(outer);
            }
        }

        /** @return true if the waiter was handed the room's delivery, false once its event is out or it gave up */
        private boolean awaitRelease(Waiter waiter) {
            long deadline = System.nanoTime() + MAX_WAIT_NANOS;
            while (!waiter.released) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || Thread.currentThread().isInterrupted()) {
                    synchronized (this) {
                        if (waiters.remove(waiter)) {
                            return false;
                        }
                    }
                    break; // released meanwhile: see how
                }
                LockSupport.parkNanos(this, left);
            }
            return waiter.takesOver;
        }

        /**
         * Delivers the room's queue in runs until the caller's own event is out; then, if publishers wait, hands the
         * rest to the earliest of them and returns. A publisher thus delivers a share bounded by its own wait, and
         * gets back to reading its own connection: one that kept delivering a busy room for everyone else would
         * leave its own client's messages unread meanwhile.
         */
        private void deliverThrough(long ticket) {
            long startedNanos = System.nanoTime();
            while (true) {
                List<RoomEvent> run;
                synchronized (this) {
                    if (pending.isEmpty()) {
                        draining = false;
                        while (!waiters.isEmpty()) {
                            waiters.poll().release();
                        }
                        return;
                    }
                    if (delivered >= ticket
                            && !waiters.isEmpty()
                            && System.nanoTime() - startedNanos >= SHARE_BEFORE_HANDING_OVER_NANOS) {
                        waiters.poll().handOver(); // every waiter left has its event still queued
                        return;
                    }
                    run = new ArrayList<>(Math.min(pending.size(), MAX_RUN));
                    while (run.size() < MAX_RUN && !pending.isEmpty()) {
                        run.add(pending.poll());
                    }
                }
                List<RoomEvent> events = Collections.unmodifiableList(run);
                for (Listener listener : listeners) {
                    deliver(listener, events);
                }
                synchronized (this) {
                    delivered += run.size();
                    while (!waiters.isEmpty() && waiters.peek().ticket() <= delivered) {
                        waiters.poll().release();
                    }
                }
            }
        }

        private static void deliver(Listener listener, List<RoomEvent> events) {
            try {
                listener.acceptRun(events);
            } catch (RuntimeException e) {
                // A broken listener must not starve the others; surface it where the thread reports failures.
                Thread current = Thread.currentThread();
                current.getUncaughtExceptionHandler().uncaughtException(current, e);
            }
        }
    }
}
