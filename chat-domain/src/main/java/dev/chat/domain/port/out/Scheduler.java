package dev.chat.domain.port.out;

import java.time.Duration;

/** Runs a task later, off the caller's thread. Thread-safe. */
public interface Scheduler {
    Cancellable schedule(Duration delay, Runnable task);

    /** A scheduled task; cancelling after it ran, or twice, is harmless. */
    interface Cancellable {
        void cancel();
    }
}
