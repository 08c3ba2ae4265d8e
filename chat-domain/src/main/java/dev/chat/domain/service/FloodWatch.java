package dev.chat.domain.service;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.RateLimits;
import dev.chat.domain.model.SessionToken;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Spots a session that keeps flooding: refused commands are counted per second, and a second in which a session had
 * more refused than {@link RateLimits#ABUSE_FACTOR} - 1 times its budget's rate (so it sent at several times the
 * limit) continues its flood; a calmer second ends it. A flood as long as the abuse window is abuse. Only sessions
 * refused in the last seconds are remembered, so this costs nothing while everyone keeps to the limits. Counts this
 * node's refusals only. Thread-safe.
 */
final class FloodWatch {
    private static final long SECOND = 1_000;
    /** Sweep stale entries once this many refusals were counted since the last sweep. */
    private static final int SWEEP_EVERY = 4_096;

    private final RateLimits limits;
    private final Map<Key, Flood> floods = new ConcurrentHashMap<>();
    private int refusalsSinceSweep;

    FloodWatch(RateLimits limits) {
        this.limits = requireNonNull(limits, "limits");
    }

    private record Key(SessionToken session, RateLimits.Kind kind) {}

    /** One session's refusals of one kind: the current second's count, and since when it floods (or -1). */
    private static final class Flood {
        long secondStart;
        int refusedThisSecond;
        long floodingSince = -1;

        Flood(long now) {
            secondStart = now;
        }
    }

    /**
     * Counts a refused command.
     *
     * @return true when the session has flooded for the whole abuse window: it is to be ended
     */
    boolean refused(SessionToken session, RateLimits.Kind kind, long nowMillis) {
        long window = limits.abuseWindow().toMillis();
        int perSecond = limits.of(kind).perSecond();
        if (window == 0 || perSecond == 0) {
            return false;
        }
        maybeSweep(nowMillis);
        int floodPerSecond = Math.max(1, (RateLimits.ABUSE_FACTOR - 1) * perSecond);
        Flood flood = floods.computeIfAbsent(new Key(session, kind), key -> new Flood(nowMillis));
        synchronized (flood) {
            long elapsed = nowMillis - flood.secondStart;
            if (elapsed >= SECOND) {
                boolean lastSecondFlooded = flood.refusedThisSecond >= floodPerSecond && elapsed < 2 * SECOND;
                if (!lastSecondFlooded) {
                    flood.floodingSince = -1;
                }
                flood.secondStart += (elapsed / SECOND) * SECOND;
                flood.refusedThisSecond = 0;
            }
            flood.refusedThisSecond++;
            if (flood.refusedThisSecond >= floodPerSecond && flood.floodingSince < 0) {
                flood.floodingSince = flood.secondStart;
            }
            return flood.floodingSince >= 0 && nowMillis - flood.floodingSince >= window;
        }
    }

    /** The session is gone: forget it. */
    void forget(SessionToken session) {
        for (RateLimits.Kind kind : RateLimits.Kind.values()) {
            floods.remove(new Key(session, kind));
        }
    }

    int remembered() {
        return floods.size();
    }

    /** Drops sessions not refused for two seconds: their flood, if any, is over. */
    private void maybeSweep(long nowMillis) {
        synchronized (this) {
            if (++refusalsSinceSweep < SWEEP_EVERY) {
                return;
            }
            refusalsSinceSweep = 0;
        }
        floods.values().removeIf(flood -> {
            synchronized (flood) {
                return nowMillis - flood.secondStart >= 2 * SECOND;
            }
        });
    }
}
