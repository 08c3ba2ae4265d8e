package dev.chat.domain.service;

import java.util.concurrent.Executor;

/**
 * Tells a stage's follow-up whether it runs within the call that made the stage (a store that answered at once) or
 * later, on the thread that read a store's reply. A follow-up that waits on stores (an undo, an expiry) must not hold
 * that thread up: every reply behind it would wait. Made at the start of the call; {@link #returned} at its end.
 */
final class CallScope {
    private final Thread caller = Thread.currentThread();
    private volatile boolean returned;

    void returned() {
        returned = true;
    }

    /** Runs {@code task} here if still within the call, on {@code elsewhere} otherwise. */
    void runOffReplyThread(Runnable task, Executor elsewhere) {
        if (!returned && Thread.currentThread() == caller) {
            task.run();
        } else {
            elsewhere.execute(task);
        }
    }
}
