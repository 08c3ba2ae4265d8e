package dev.chat.domain.service;

import dev.chat.domain.memory.InMemoryEventBus;
import dev.chat.domain.memory.InMemoryMessageHistory;
import dev.chat.domain.memory.InMemoryPresenceStore;
import dev.chat.domain.memory.InMemorySessionStore;
import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.HistorySlice;
import dev.chat.domain.model.MessageDraft;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomEvent;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.RoomPosition;
import dev.chat.domain.model.SessionRecord;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.EventBus;
import dev.chat.domain.port.out.MessageHistory;
import dev.chat.domain.port.out.PresenceStore;
import dev.chat.domain.port.out.SessionStore;
import dev.chat.domain.port.out.Subscription;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The in-memory stores behind a fuse: once armed, the k-th store call from then on fails with {@code unavailable}
 * (and, in "stays down" mode, every call after it until {@link #restore}). The real stores underneath tell the truth
 * of what was changed.
 */
final class FailingStores {
    final InMemorySessionStore realSessions = new InMemorySessionStore();
    final InMemoryPresenceStore realPresence = new InMemoryPresenceStore();
    final InMemoryEventBus realBus = new InMemoryEventBus();
    final InMemoryMessageHistory realHistory = new InMemoryMessageHistory(realBus, 100);

    private final AtomicInteger callsLeft = new AtomicInteger(-1);
    private volatile boolean staysDown;
    private volatile boolean carriedOut;
    private volatile boolean down;
    private volatile boolean blown;

    /** The {@code k}-th store call from now fails (1 = the next one). */
    void failCall(int k, boolean thenStayDown) {
        failCall(k, thenStayDown, false);
    }

    /**
     * @param carriedOut the failing call still takes effect, as a store that timed out may carry a command out after
     *     the caller gave up on it
     */
    void failCall(int k, boolean thenStayDown, boolean carriedOut) {
        callsLeft.set(k);
        staysDown = thenStayDown;
        this.carriedOut = carriedOut;
        blown = false;
    }

    /** Every store call works again. */
    void restore() {
        callsLeft.set(-1);
        down = false;
    }

    /** True if the fuse went off since it was armed. */
    boolean blown() {
        return blown;
    }

    private <T> T call(Supplier<T> operation) {
        if (down) {
            throw unavailable();
        }
        if (callsLeft.get() > 0 && callsLeft.decrementAndGet() == 0) {
            blown = true;
            down = staysDown;
            if (carriedOut) {
                operation.get();
            }
            throw unavailable();
        }
        return operation.get();
    }

    private void run(Runnable operation) {
        call(() -> {
            operation.run();
            return null;
        });
    }

    private static ChatException unavailable() {
        return new ChatException(ErrorCode.UNAVAILABLE, "store down (test)");
    }

    final SessionStore sessions = new SessionStore() {
        @Override
        public boolean create(SessionRecord session) {
            return call(() -> realSessions.create(session));
        }

        @Override
        public Optional<SessionRecord> find(SessionToken token) {
            return call(() -> realSessions.find(token));
        }

        @Override
        public Optional<SessionRecord> claim(SessionToken token) {
            return call(() -> realSessions.claim(token));
        }

        @Override
        public void update(SessionRecord session) {
            run(() -> realSessions.update(session));
        }

        @Override
        public Released release(SessionToken token) {
            return call(() -> realSessions.release(token));
        }

        @Override
        public boolean isNicknameTaken(Nickname nickname) {
            return call(() -> realSessions.isNicknameTaken(nickname));
        }

        @Override
        public void disown(SessionToken token) {
            run(() -> realSessions.disown(token));
        }

        @Override
        public void onTakenOver(Consumer<SessionToken> listener) {
            realSessions.onTakenOver(listener);
        }
    };

    final PresenceStore presence = new PresenceStore() {
        @Override
        public boolean add(RoomName room, Nickname user, SessionToken session) {
            return call(() -> realPresence.add(room, user, session));
        }

        @Override
        public boolean remove(RoomName room, Nickname user, SessionToken session) {
            return call(() -> realPresence.remove(room, user, session));
        }

        @Override
        public List<Nickname> page(RoomName room, Nickname after, int limit) {
            return call(() -> realPresence.page(room, after, limit));
        }

        @Override
        public int count(RoomName room) {
            return call(() -> realPresence.count(room));
        }
    };

    final MessageHistory history = new MessageHistory() {
        @Override
        public ChatMessage append(MessageDraft draft) {
            return call(() -> realHistory.append(draft));
        }

        @Override
        public HistorySlice readAfter(RoomName room, long afterSeq, int limit) {
            return call(() -> realHistory.readAfter(room, afterSeq, limit));
        }

        @Override
        public RoomPosition position(RoomName room) {
            return call(() -> realHistory.position(room));
        }
    };

    final EventBus bus = new EventBus() {
        @Override
        public void publish(RoomEvent event) {
            run(() -> realBus.publish(event));
        }

        @Override
        public Subscription subscribe(RoomName room, EventBus.Listener listener) {
            return call(() -> realBus.subscribe(room, listener));
        }
    };
}
