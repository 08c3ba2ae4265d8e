package dev.chat.transport.core;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * A beat (heartbeat, ping) once per interval for every connection, spread over the interval: each connection belongs
 * to one of {@link #SLICES} slices, by identity, and every interval / {@code SLICES} the next slice gets its beat.
 * Beating every connection in one tick put N writes, and N replies, on the node's core at once: at 19,500 WebSocket
 * connections a burst that every message sent meanwhile waited behind, and a couple of hundred threads for Jetty's
 * pool (docs/performance-log.md, "Heartbeats spread over the interval").
 */
public final class Heartbeats {
    public static final int SLICES = 25;

    private Heartbeats() {}

    /** Whether {@code connection} beats at {@code slice}'s tick: the same slice for its whole life. */
    public static boolean beatsAt(Object connection, int slice) {
        return Math.floorMod(System.identityHashCode(connection), SLICES) == slice;
    }

    /** Runs {@code beat} for slices 0, 1, ..., {@code SLICES - 1}, 0, ..., one every interval / {@code SLICES}. */
    public static ScheduledFuture<?> schedule(ScheduledExecutorService scheduler, Duration interval, IntConsumer beat) {
        requireNonNull(beat, "beat");
        long tickNanos = Math.max(1, interval.toNanos() / SLICES);
        return scheduler.scheduleAtFixedRate(new Ticks(beat), tickNanos, tickNanos, TimeUnit.NANOSECONDS);
    }

    private static final class Ticks implements Runnable {
        private final IntConsumer beat;
        /** Only the scheduler's thread touches it: a fixed-rate task never runs twice at once. */
        private int due;

        Ticks(IntConsumer beat) {
            this.beat = beat;
        }

        @Override
        public void run() {
            int slice = due;
            due = (slice + 1) % SLICES;
            beat.accept(slice);
        }
    }
}
