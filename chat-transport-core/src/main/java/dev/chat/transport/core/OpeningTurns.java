package dev.chat.transport.core;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The turns of {@link Admission}: at most {@code max} openings use the CPU at once, and at most {@code maxInProgress}
 * are under way, counting those that gave their turn up while they wait on a store ({@code StoreWaits}). An opening
 * back from a store takes a turn before any new connect, so those under way finish first. A new connect that finds a
 * turn free takes it at once, even with others parked: a turn handed to a parked thread stays unused until that thread
 * gets a core (docs/performance-log.md, "The listen backlog"); the parked ones go in arrival order.
 */
final class OpeningTurns {
    private final int max;
    private final int maxInProgress;
    private final long takeBackWaitNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition forReturning = lock.newCondition();
    private final Condition forNew = lock.newCondition();
    private int taken;
    private int inProgress;
    private int returning;
    private final LongAdder withoutTurn = new LongAdder();

    /** @param takeBackWait how long an opening back from a store waits for a turn before it goes on without one */
    OpeningTurns(int max, int maxInProgress, Duration takeBackWait) {
        if (max < 1 || maxInProgress < max) {
            throw new IllegalArgumentException("need 1 <= max <= maxInProgress");
        }
        this.max = max;
        this.maxInProgress = maxInProgress;
        this.takeBackWaitNanos = takeBackWait.toNanos();
    }

    /** A new connect's turn, waited for at most {@code timeout}; false if none came free in time. */
    boolean take(long timeout, TimeUnit unit) throws InterruptedException {
        long left = unit.toNanos(timeout);
        lock.lock();
        try {
            while (taken >= max || returning > 0 || inProgress >= maxInProgress) {
                if (left <= 0) {
                    return false;
                }
                try {
                    left = forNew.awaitNanos(left);
                } catch (InterruptedException e) {
                    handOn(); // a wake-up meant for this thread goes to the next one
                    throw e;
                }
            }
            taken++;
            inProgress++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A turn back for an opening under way, before any new connect; false if none came free within the take-back wait
     * (the caller goes on without one). Bounded because the opening may hold a lock that the turns' holders wait for.
     */
    boolean takeBack() {
        long left = takeBackWaitNanos;
        boolean interrupted = false;
        lock.lock();
        try {
            returning++;
            try {
                while (taken >= max) {
                    if (left <= 0) {
                        return false;
                    }
                    try {
                        left = forReturning.awaitNanos(left);
                    } catch (InterruptedException e) {
                        interrupted = true; // the opening goes on; the interrupt stays for it to see
                    }
                }
            } finally {
                returning--;
            }
            taken++;
            return true;
        } finally {
            handOn();
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** An opening under way gives its turn up (it waits on a store), and stays under way. */
    void giveUp() {
        lock.lock();
        try {
            taken--;
            handOn();
        } finally {
            lock.unlock();
        }
    }

    /** An opening ended, holding a turn or not. */
    void finish(boolean holdingTurn) {
        lock.lock();
        try {
            if (holdingTurn) {
                taken--;
            }
            inProgress--;
            handOn();
        } finally {
            lock.unlock();
        }
    }

    void wentOnWithoutTurn() {
        withoutTurn.increment();
    }

    long withoutTurn() {
        return withoutTurn.sum();
    }

    int inProgress() {
        lock.lock();
        try {
            return inProgress;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes whoever may take a free turn now: an opening back from a store first. Under the lock. */
    private void handOn() {
        if (taken >= max) {
            return;
        }
        if (returning > 0) {
            forReturning.signal();
        } else if (inProgress < maxInProgress) {
            forNew.signal();
        }
    }
}
