package dev.chat.domain.service;

import dev.chat.domain.port.out.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A scheduler whose time moves only when the test says so. */
final class ManualScheduler implements Scheduler {
    private final List<Task> tasks = new ArrayList<>();
    private Duration now = Duration.ZERO;

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        Task scheduled = new Task(now.plus(delay), task);
        tasks.add(scheduled);
        return () -> {
            synchronized (ManualScheduler.this) {
                tasks.remove(scheduled);
            }
        };
    }

    /** Moves time forward, running every task that falls due, in order. */
    void advance(Duration by) {
        Duration target;
        synchronized (this) {
            target = now.plus(by);
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream()
                        .filter(t -> t.due.compareTo(target) <= 0)
                        .min((a, b) -> a.due.compareTo(b.due))
                        .orElse(null);
                if (next == null) {
                    now = target;
                    return;
                }
                tasks.remove(next);
                now = next.due;
            }
            next.task.run();
        }
    }

    private record Task(Duration due, Runnable task) {}
}
