package dev.chat.domain.port.out;

import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.SessionRecord;
import dev.chat.domain.model.SessionToken;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Sessions by token, with nicknames unique among stored sessions, and which node serves each one (its owner). Thread-safe.
 *
 * <p>{@link #create} claims the nickname atomically: of two sessions created with one nickname, one fails, unless both
 * belong to one signed-in user (its tabs), who share their nickname. The node
 * that creates a session owns it; a node that {@link #claim claims} it (a client resumed there) becomes the owner,
 * and the previous owner is told through its {@link #onTakenOver} listener. Only the owner changes a session:
 * {@link #update} and {@link #release} do nothing on a node that lost it. A session whose owner stops keeping it
 * (the node died) expires after a lease that the store documents.
 */
public interface SessionStore {
    /**
     * Stores a new session owned by this node; false (and nothing stored) if its nickname belongs to another session
     * (other than one of the same signed-in user's).
     */
    boolean create(SessionRecord session);

    /**
     * {@link #create} without a thread waiting on the store: a store that answers over the network completes the
     * stage on the thread that reads its reply, where the caller's next step runs. Fails as {@link #create} throws.
     */
    default CompletionStage<Boolean> createAsync(SessionRecord session) {
        try {
            return CompletableFuture.completedFuture(create(session));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    Optional<SessionRecord> find(SessionToken token);

    /** Makes this node the session's owner and returns its record; empty (nothing changed) if it is gone. */
    Optional<SessionRecord> claim(SessionToken token);

    /** Replaces the record (same token and nickname) of a session this node owns; no effect otherwise. */
    void update(SessionRecord session);

    /**
     * Removes the session and frees its nickname if this node owns it.
     *
     * @return what became of it: released now, already gone (expired, or lost by the store), or owned by another
     *     node (which keeps it, and its nickname)
     */
    Released release(SessionToken token);

    /** What {@link #release} found. */
    enum Released {
        RELEASED,
        ALREADY_GONE,
        OWNED_ELSEWHERE
    }

    boolean isNicknameTaken(Nickname nickname);

    /**
     * This node stops serving a session it owns, without ending it (it is draining): whichever node the client reaches
     * next takes the session over, as if this node had died, but at once. Its presence is no longer renewed here. No
     * effect if another node owns it. A single-node store has nobody to hand it to and does nothing.
     */
    void disown(SessionToken token);

    /**
     * Sets what to do when another node claims a session this node owns. The listener runs on the store's thread and
     * must not block. A single-node store never calls it.
     */
    void onTakenOver(Consumer<SessionToken> listener);
}
