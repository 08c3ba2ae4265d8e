package dev.chat.domain.memory;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.SessionRecord;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.model.SmallSets;
import dev.chat.domain.port.out.SessionStore;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Sessions in memory. Single node only: this node owns every session, so none is ever taken over. A nickname is held
 * by one session, or shared by the sessions of one signed-in user.
 */
public final class InMemorySessionStore implements SessionStore {
    private final ConcurrentHashMap<SessionToken, SessionRecord> byToken = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Nickname, Holders> holdersByNickname = new ConcurrentHashMap<>();

    /**
     * Who holds a nickname: its owner (a session, or a signed-in user) and the sessions that use it (an immutable set:
     * a holders record is replaced on each change).
     */
    private record Holders(String owner, Set<SessionToken> sessions) {}

    @Override
    public boolean create(SessionRecord session) {
        String owner = owner(session);
        boolean[] taken = {false};
        holdersByNickname.compute(session.nickname(), (nickname, holders) -> {
            if (holders != null && !holders.owner().equals(owner)) {
                return holders;
            }
            taken[0] = true;
            return new Holders(owner, SmallSets.with(holders == null ? Set.of() : holders.sessions(), session.token()));
        });
        if (taken[0]) {
            byToken.put(session.token(), session);
        }
        return taken[0];
    }

    private static String owner(SessionRecord session) {
        return session.identity().isSignedIn()
                ? "u:" + session.identity().userId()
                : session.token().value();
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
        holdersByNickname.computeIfPresent(removed.nickname(), (nickname, holders) -> {
            Set<SessionToken> remaining = SmallSets.without(holders.sessions(), token);
            return remaining.isEmpty() ? null : new Holders(holders.owner(), remaining);
        });
        return Released.RELEASED;
    }

    @Override
    public void disown(SessionToken token) {
        requireNonNull(token, "token"); // single node: there is no other node to take it
    }

    @Override
    public boolean isNicknameTaken(Nickname nickname) {
        return holdersByNickname.containsKey(nickname);
    }

    @Override
    public void onTakenOver(Consumer<SessionToken> listener) {
        requireNonNull(listener, "listener"); // there is no other node to take a session over
    }
}
