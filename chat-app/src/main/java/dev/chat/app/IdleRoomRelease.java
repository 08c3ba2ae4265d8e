package dev.chat.app;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.memory.InMemoryMessageHistory;
import dev.chat.domain.port.out.PresenceStore;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** On a single node: frees the history of rooms nobody is in once they were idle long enough, every so often. */
final class IdleRoomRelease implements Managed {
    private static final Logger log = LoggerFactory.getLogger(IdleRoomRelease.class);
    private static final Duration MOST_OFTEN = Duration.ofSeconds(1);
    private static final Duration LEAST_OFTEN = Duration.ofMinutes(1);

    private final InMemoryMessageHistory history;
    private final PresenceStore presence;
    private final Duration idle;
    private ScheduledExecutorService timer;

    IdleRoomRelease(InMemoryMessageHistory history, PresenceStore presence, Duration idle) {
        this.history = requireNonNull(history, "history");
        this.presence = requireNonNull(presence, "presence");
        this.idle = requireNonNull(idle, "idle");
    }

    @Override
    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "idle-rooms");
            thread.setDaemon(true);
            return thread;
        });
        // A room goes at most a fifth of the idle time late, checked at most once a second.
        long every = Math.max(MOST_OFTEN.toMillis(), Math.min(LEAST_OFTEN.toMillis(), idle.toMillis() / 5));
        timer.scheduleWithFixedDelay(this::releaseIdle, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    private void releaseIdle() {
        try {
            int released =
                    history.releaseIdle(idle, room -> !presence.members(room).isEmpty());
            if (released > 0) {
                log.debug("released the history of {} idle rooms", released);
            }
        } catch (RuntimeException e) {
            log.error("releasing idle rooms failed", e);
        }
    }
}
