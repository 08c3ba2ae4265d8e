package dev.chat.domain.service;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.model.SmallSets;
import dev.chat.domain.port.out.ClientConnection;
import dev.chat.domain.port.out.Scheduler;
import dev.chat.domain.port.out.SessionStore;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a session ends on this node: detached from its connection, it waits out the reconnect grace, then expires
 * (its nickname freed, its rooms told it left); or another node takes it over and it is let go without a word.
 */
final class SessionExpiry {
    /**
     * How soon an expiry that found a store down (or refusing: too many calls waiting) tries again, at the earliest,
     * and over how long after that the retries spread: a mass quit refused together must not retry together.
     */
    static final Duration RETRY = Duration.ofMillis(500);

    static final Duration RETRY_SPREAD = Duration.ofSeconds(1);

    private final SessionStore sessions;
    private final Scheduler scheduler;
    private final Duration grace;
    private final LocalSessions localSessions;
    private final SessionRooms rooms;

    SessionExpiry(
            SessionStore sessions,
            Scheduler scheduler,
            Duration grace,
            LocalSessions localSessions,
            SessionRooms rooms) {
        this.sessions = requireNonNull(sessions, "sessions");
        this.scheduler = requireNonNull(scheduler, "scheduler");
        this.grace = requireNonNull(grace, "grace");
        this.localSessions = requireNonNull(localSessions, "localSessions");
        this.rooms = requireNonNull(rooms, "rooms");
    }

    /** The session's connection is gone: nothing is delivered to it any more. Caller holds the session's lock. */
    void detach(LocalSession session) {
        rooms.detachAll(session);
        session.connection = null;
        session.detachGeneration++;
        session.cancelExpiry();
    }

    /** Starts the reconnect grace of a detached session. Caller holds the session's lock. */
    void startGrace(LocalSession session) {
        int generation = session.detachGeneration;
        session.expiry = scheduler.schedule(grace, () -> expire(session, generation));
    }

    /** Ends a detached session now (its connect failed). Caller holds the session's lock. */
    void expireNow(LocalSession session) {
        expire(session, session.detachGeneration);
    }

    /** Another node took the session over (its client resumed there): let it go without telling anyone it left. */
    void takenOver(SessionToken token) {
        LocalSession session = localSessions.removeToken(token);
        if (session == null) {
            return;
        }
        synchronized (session) {
            letGo(session, CloseReason.REPLACED);
        }
    }

    /**
     * This node serves the session no more, and nobody is told it left: another node serves it now (or will, when
     * its client comes back). Caller holds the session's lock.
     */
    void letGo(LocalSession session, CloseReason why) {
        session.ended = true;
        session.cancelSignIn(); // the next node to serve it starts its own
        localSessions.remove(session);
        session.cancelExpiry();
        rooms.detachAll(session);
        ClientConnection connection = session.connection;
        session.connection = null;
        if (connection != null) {
            connection.close(why);
        }
    }

    /**
     * The grace ran out: the nickname is freed, the session forgotten here, and it leaves every room it may be
     * listed in, each room told once. Idempotent; while a store does not answer it tries again, so whatever the
     * stores still remember (or lost), whoever is gone is removed and announced once. Nothing is removed when another
     * node owns the session now: that node serves it.
     */
    private void expire(LocalSession session, int generation) {
        synchronized (session) {
            if (session.connection != null || session.detachGeneration != generation) {
                return;
            }
            if (!session.ended) {
                SessionStore.Released released;
                try {
                    released = sessions.release(session.token);
                } catch (ChatException storeDown) {
                    retry(session, generation);
                    return;
                }
                session.ended = true;
                session.cancelSignIn();
                localSessions.remove(session);
                if (released == SessionStore.Released.OWNED_ELSEWHERE) {
                    session.clearRooms();
                    session.maybeListed = Set.of();
                    return;
                }
            }
            Set<RoomName> leaving = new HashSet<>(session.rooms());
            leaving.addAll(session.maybeListed);
            for (RoomName room : leaving) {
                try {
                    rooms.unlist(session, room);
                } catch (ChatException storeDown) {
                    retry(session, generation);
                    return;
                }
                session.removeRoom(room);
                session.maybeListed = SmallSets.without(session.maybeListed, room);
            }
        }
    }

    /** Caller holds the session's lock. */
    private void retry(LocalSession session, int generation) {
        Duration after = RETRY.plusMillis(ThreadLocalRandom.current().nextLong(RETRY_SPREAD.toMillis()));
        session.expiry = scheduler.schedule(after, () -> expire(session, generation));
    }
}
