package dev.chat.domain.service;

import dev.chat.domain.model.SessionRecord;
import dev.chat.domain.model.SessionToken;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** The sessions this node serves, by token. Thread-safe. */
final class LocalSessions {
    private final ConcurrentHashMap<SessionToken, LocalSession> byToken = new ConcurrentHashMap<>();

    /** A session found here, or adopted from its stored record (a client resuming a session served elsewhere). */
    record Found(LocalSession session, boolean adopted) {}

    void add(LocalSession session) {
        byToken.put(session.token, session);
    }

    LocalSession get(SessionToken token) {
        return byToken.get(token);
    }

    Found findOrAdopt(SessionRecord record) {
        LocalSession existing = byToken.get(record.token());
        if (existing != null) {
            return new Found(existing, false);
        }
        LocalSession fresh = new LocalSession(record.token(), record.nickname(), record.identity());
        fresh.addRooms(record.rooms());
        existing = byToken.putIfAbsent(record.token(), fresh);
        return existing == null ? new Found(fresh, true) : new Found(existing, false);
    }

    /** Removes this very session (not a newer one with its token). */
    void remove(LocalSession session) {
        byToken.remove(session.token, session);
    }

    LocalSession removeToken(SessionToken token) {
        return byToken.remove(token);
    }

    List<SessionToken> tokens() {
        return List.copyOf(byToken.keySet());
    }

    int size() {
        return byToken.size();
    }
}
