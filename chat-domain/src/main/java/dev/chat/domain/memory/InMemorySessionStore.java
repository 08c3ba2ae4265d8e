package dev.chat.domain.memory;

import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.SessionRecord;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.SessionStore;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Sessions in memory. Single node only. */
public final class InMemorySessionStore implements SessionStore {
    private final ConcurrentHashMap<SessionToken, SessionRecord> byToken = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Nickname, SessionToken> tokenByNickname = new ConcurrentHashMap<>();

    @Override
    public boolean create(SessionRecord session) {
        if (tokenByNickname.putIfAbsent(session.nickname(), session.token()) != null) {
            return false;
        }
        byToken.put(session.token(), session);
        return true;
    }

    @Override
    public Optional<SessionRecord> find(SessionToken token) {
        return Optional.ofNullable(byToken.get(token));
    }

    @Override
    public void update(SessionRecord session) {
        byToken.computeIfPresent(session.token(), (token, old) -> session);
    }

    @Override
    public void remove(SessionToken token) {
        SessionRecord removed = byToken.remove(token);
        if (removed != null) {
            tokenByNickname.remove(removed.nickname(), token);
        }
    }

    @Override
    public boolean isNicknameTaken(Nickname nickname) {
        return tokenByNickname.containsKey(nickname);
    }
}
