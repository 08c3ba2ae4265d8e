package dev.chat.domain.service;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a use case has done so far, to be undone in reverse order if a later step fails, so the use case is
 * all-or-nothing. Undo steps are best effort: one that fails (the store is still down) does not stop the others, and
 * what it could not undo is left to a lease or an expiry that the step's comment names.
 */
final class Undo {
    private final Deque<Runnable> steps = new ArrayDeque<>();

    void add(Runnable step) {
        steps.push(step);
    }

    /** Undoes every step, newest first, then rethrows {@code failure}. */
    RuntimeException rollBack(RuntimeException failure) {
        while (!steps.isEmpty()) {
            try {
                steps.pop().run();
            } catch (RuntimeException undoFailed) {
                failure.addSuppressed(undoFailed);
            }
        }
        return failure;
    }
}
