package dev.chat.transport.core;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.function.ToIntFunction;

/**
 * The one bounded outbound queue every transport writes through. Frames leave in the order they were offered; the
 * bytes counted are those not yet confirmed written by the sink (waiting here, or handed to the sink and still in
 * flight). An offer that would take the count past the limit closes the queue and tells the sink once, so the
 * connection can be closed as a slow consumer: memory per connection stays bounded whatever the client does.
 *
 * <p>Thread-safe: any number of threads may offer at once. The sink is called with the queue's lock held, one call
 * at a time, and must not block; it may call back into the queue ({@link #written}, {@link #resume}) from any
 * thread, including from inside {@link Sink#write}.
 *
 * @param <F> the transport's frame
 */
public final class OutboundQueue<F> {
    /** Where frames go: a socket, a response stream, a poll's answer. */
    public interface Sink<F> {
        /** True while a frame can be written without blocking; when false, the sink calls {@link #resume} later. */
        boolean ready();

        /**
         * Writes or starts writing a frame. Its bytes stay counted until the sink confirms with {@link #written}
         * (at once, when the write completed, or when the client acknowledged it).
         */
        void write(F frame, int bytes);

        /** Called after each run of writes, and on {@link #resume}; for sinks that buffer. */
        default void flush() {}

        /** The queue overflowed and is closed: the connection must end as a slow consumer. Called once. */
        void overflowed(long queuedBytes);
    }

    private final long maxBytes;
    private final Sink<F> sink;
    /**
     * The frames waiting, first to last, each linked to the next: the queue keeps nothing once emptied, where an array
     * deque would keep the longest run it ever held (a joiner's catch-up of 50 messages, a lagging client's backlog)
     * for the connection's life.
     */
    private Pending<F> first;

    private Pending<F> last;

    private long unconfirmedBytes;
    private boolean closed;
    private boolean draining;
    private boolean drainAgain;
    /** Open {@link #hold}s: while above zero, offered frames wait for the last {@link #release}. */
    private int holds;

    private static final class Pending<F> {
        final F frame;
        final int bytes;
        Pending<F> next;

        Pending(F frame, int bytes) {
            this.frame = frame;
            this.bytes = bytes;
        }
    }

    public OutboundQueue(long maxBytes, Sink<F> sink) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.sink = requireNonNull(sink, "sink");
    }

    /**
     * Queues a frame and writes what the sink can take now.
     *
     * @param bytes the frame's size on the wire (UTF-8 bytes)
     * @return false if the frame was not queued: the queue is closed, or this frame overflowed it (and closed it)
     */
    public boolean offer(F frame, int bytes) {
        requireNonNull(frame, "frame");
        long overflowedAt;
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (unconfirmedBytes + bytes <= maxBytes) {
                unconfirmedBytes += bytes;
                if (first == null && !draining && holds == 0 && sink.ready()) {
                    writeAlone(frame, bytes); // the usual case: nothing to queue behind
                } else {
                    enqueue(frame, bytes);
                    if (holds == 0) {
                        drain();
                    }
                }
                return true;
            }
            overflowedAt = unconfirmedBytes;
            closeQuietly();
        }
        sink.overflowed(overflowedAt); // outside the lock: closing may call back into the transport
        return false;
    }

    /**
     * Queues frames as one run: the sink gets them one after another and then one {@link Sink#flush}, so a sink that
     * buffers writes them together. Otherwise as {@link #offer} for each, in order.
     *
     * @param bytesOf each frame's size on the wire (UTF-8 bytes)
     * @return false if not all were queued: the queue is closed, or a frame overflowed it (and closed it)
     */
    public boolean offerAll(List<? extends F> frames, ToIntFunction<? super F> bytesOf) {
        long overflowedAt;
        synchronized (this) {
            if (closed) {
                return false;
            }
            overflowedAt = -1;
            for (F frame : frames) {
                int bytes = bytesOf.applyAsInt(requireNonNull(frame, "frame"));
                if (unconfirmedBytes + bytes > maxBytes) {
                    overflowedAt = unconfirmedBytes;
                    closeQuietly();
                    break;
                }
                enqueue(frame, bytes);
                unconfirmedBytes += bytes;
            }
            if (overflowedAt < 0) {
                if (holds == 0) {
                    drain();
                }
                return true;
            }
        }
        sink.overflowed(overflowedAt); // outside the lock: closing may call back into the transport
        return false;
    }

    /**
     * The sink can take frames again: it gets what waits, then a {@link Sink#flush} even if nothing waited. While
     * held, nothing: the last {@link #release} hands over what waits.
     */
    public synchronized void resume() {
        if (holds == 0 && !draining && !drain()) {
            sink.flush();
        }
    }

    /**
     * Keeps what is offered from now on waiting until the matching {@link #release}, which hands it all to the sink
     * as one run (one {@link Sink#flush}). Holds nest; frames already with the sink are not affected.
     */
    public synchronized void hold() {
        holds++;
    }

    /**
     * Ends a {@link #hold}; the last one hands what waits to the sink as one run.
     *
     * @throws IllegalStateException without a hold to end
     */
    public synchronized void release() {
        if (holds == 0) {
            throw new IllegalStateException("release without a hold");
        }
        holds--;
        if (holds == 0 && !closed) {
            drain();
        }
    }

    /** The sink is done with {@code bytes} of what it was given (written, failed, or acknowledged). */
    public synchronized void written(int bytes) {
        unconfirmedBytes = Math.max(0, unconfirmedBytes - bytes);
    }

    /** Stops taking frames and drops those still waiting; frames already in the sink are its business. */
    public synchronized void close() {
        closeQuietly();
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** True when nothing waits to be handed to the sink. */
    public synchronized boolean isDrained() {
        return first == null;
    }

    /** Bytes offered and not yet confirmed written. */
    public synchronized long unconfirmedBytes() {
        return unconfirmedBytes;
    }

    /**
     * Caller holds the lock. A sink calling back from inside a write makes the outer loop go round again.
     *
     * @return true if it flushed the sink
     */
    private boolean drain() {
        if (draining) {
            drainAgain = true;
            return false;
        }
        draining = true;
        boolean flushed = false;
        try {
            do {
                drainAgain = false;
                boolean wrote = false;
                while (first != null && sink.ready()) {
                    Pending<F> next = first;
                    first = next.next;
                    if (first == null) {
                        last = null;
                    }
                    wrote = true;
                    sink.write(next.frame, next.bytes);
                }
                if (wrote) {
                    sink.flush();
                    flushed = true;
                }
            } while (drainAgain && !closed);
        } finally {
            draining = false;
        }
        return flushed;
    }

    /** Caller holds the lock; nothing waits and nothing is being drained. As {@link #drain} for one frame. */
    private void writeAlone(F frame, int bytes) {
        draining = true;
        drainAgain = false;
        try {
            sink.write(frame, bytes);
            sink.flush();
        } finally {
            draining = false;
        }
        if (drainAgain && !closed) {
            drain(); // the sink called back from inside the write, and frames were offered meanwhile
        }
    }

    /** Caller holds the lock. */
    private void closeQuietly() {
        closed = true;
        for (Pending<F> dropped = first; dropped != null; dropped = dropped.next) {
            unconfirmedBytes -= dropped.bytes;
        }
        first = null;
        last = null;
    }

    /** Caller holds the lock. */
    private void enqueue(F frame, int bytes) {
        Pending<F> pending = new Pending<>(frame, bytes);
        if (last == null) {
            first = pending;
        } else {
            last.next = pending;
        }
        last = pending;
    }
}
