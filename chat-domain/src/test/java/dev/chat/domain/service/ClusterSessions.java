package dev.chat.domain.service;

import dev.chat.domain.memory.InMemorySessionStore;
import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.SessionRecord;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.SessionStore;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Sessions shared by several in-process nodes, with an owner per session and takeover notices, as the Redis store
 * keeps them: lets the service's cross-node behaviour be tested without Redis. Can be switched "down".
 */
final class ClusterSessions {
    private final InMemorySessionStore records = new InMemorySessionStore();
    private final ConcurrentHashMap<SessionToken, Node> owners = new ConcurrentHashMap<>();
    private volatile boolean down;

    /** A new node's view of the shared sessions. */
    SessionStore node() {
        return new Node();
    }

    /** While down, every call fails as a store outage does. */
    void setDown(boolean isDown) {
        down = isDown;
    }

    private final class Node implements SessionStore {
        private volatile Consumer<SessionToken> takenOver = token -> {};

        @Override
        public boolean create(SessionRecord session) {
            checkUp();
            if (!records.create(session)) {
                return false;
            }
            owners.put(session.token(), this);
            return true;
        }

        @Override
        public Optional<SessionRecord> find(SessionToken token) {
            checkUp();
            return records.find(token);
        }

        @Override
        public Optional<SessionRecord> claim(SessionToken token) {
            checkUp();
            Optional<SessionRecord> record = records.find(token);
            if (record.isPresent()) {
                Node previous = owners.put(token, this);
                if (previous != null && previous != this) {
                    previous.takenOver.accept(token);
                }
            }
            return record;
        }

        @Override
        public void update(SessionRecord session) {
            checkUp();
            if (owners.get(session.token()) == this) {
                records.update(session);
            }
        }

        @Override
        public Released release(SessionToken token) {
            checkUp();
            if (!owners.remove(token, this)) {
                return records.find(token).isPresent() ? Released.OWNED_ELSEWHERE : Released.ALREADY_GONE;
            }
            return records.release(token);
        }

        @Override
        public void disown(SessionToken token) {
            checkUp();
            owners.remove(token, this);
        }

        @Override
        public boolean isNicknameTaken(Nickname nickname) {
            checkUp();
            return records.isNicknameTaken(nickname);
        }

        @Override
        public void onTakenOver(Consumer<SessionToken> listener) {
            takenOver = listener;
        }

        private void checkUp() {
            if (down) {
                throw new ChatException(ErrorCode.UNAVAILABLE, "store down");
            }
        }
    }
}
