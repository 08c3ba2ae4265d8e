package dev.chat.domain.port.out;

import static java.util.Objects.requireNonNull;

import java.util.function.Supplier;

/**
 * A thread that holds one of a few turns to use the CPU (a connection being opened) gives its turn up while it waits
 * on a store that answers over the network, and takes it back before going on. The turns bound CPU work; holding one
 * through round trips to a remote Redis left the core idle while the next connects queued (a node opened 114-158
 * connects a second at half its core, against 504 at all of it with no such wait: docs/performance-log.md, "A connect's
 * turn given up while it waits on Redis").
 *
 * <p>The holder runs its work with {@link #holding}; a store adapter wraps each blocking call in {@link #waiting}. A
 * thread that holds no turn runs both unchanged.
 */
public final class StoreWaits {
    /** A turn to use the CPU, given up and taken back around a wait. */
    public interface Turn {
        void giveUp();

        /** Blocks until the turn is this thread's again. */
        void takeBack();
    }

    private static final ThreadLocal<Turn> HELD = new ThreadLocal<>();

    private StoreWaits() {}

    /** Runs {@code work} on this thread holding {@code turn}, which store calls in it give up while they wait. */
    public static <T> T holding(Turn turn, Supplier<T> work) {
        return withHeld(requireNonNull(turn, "turn"), work);
    }

    /**
     * Runs {@code work} keeping this thread's turn through its store calls: for work under a lock that other holders of
     * a turn may wait for (they would wait for it while it waited for their turns).
     */
    public static <T> T keepingTurn(Supplier<T> work) {
        return withHeld(null, work);
    }

    /** A blocking store call: without this thread's turn while it waits (calls nested in it give up nothing more). */
    public static <T> T waiting(Supplier<T> call) {
        Turn held = HELD.get();
        if (held == null) {
            return call.get();
        }
        HELD.remove();
        held.giveUp();
        try {
            return call.get();
        } finally {
            held.takeBack();
            HELD.set(held);
        }
    }

    /** Runs {@code work} with {@code turn} (or none) as this thread's, then puts back what it held before. */
    private static <T> T withHeld(Turn turn, Supplier<T> work) {
        Turn outer = HELD.get();
        set(turn);
        try {
            return work.get();
        } finally {
            set(outer);
        }
    }

    private static void set(Turn turn) {
        if (turn == null) {
            HELD.remove();
        } else {
            HELD.set(turn);
        }
    }
}
