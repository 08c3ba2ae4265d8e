package dev.chat.domain.memory;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.SessionRecord;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.SessionStore;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** Sessions in memory. Single node only: this node owns every session, so none is ever taken over. */
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
    public Optional<SessionRecord> claim(SessionToken token) {
        return find(token);
    }

    @Override
    public void update(SessionRecord session) {
        byToken.computeIfPresent(session.token(), (token, old) -> session);
    }

    @Override
    public Released release(SessionToken token) {
        SessionRecord removed = byToken.remove(token);
        if (removed == null) {
            return Released.ALREADY_GONE;
        }
        tokenByNickname.remove(removed.nickname(), token);
        return Released.RELEASED;
    }

    @Override
    public void disown(SessionToken token) {
        requireNonNull(token, "token"); // single node: there is no other node to take it
    }

    @Override
    public boolean isNicknameTaken(Nickname nickname) {
        return tokenByNickname.containsKey(nickname);
    }

    @Override
    public void onTakenOver(Consumer<SessionToken> listener) {
        requireNonNull(listener, "listener"); // there is no other node to take a session over
    }
}
