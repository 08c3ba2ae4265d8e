package dev.chat.domain.port.out;

import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.SessionRecord;
import dev.chat.domain.model.SessionToken;
import java.util.Optional;

/**
 * Sessions by token, with nicknames unique among stored sessions. Thread-safe.
 *
 * <p>{@link #create} claims the nickname atomically: of two sessions created with one nickname, one fails.
 */
public interface SessionStore {
    /** Stores a new session; false (and nothing stored) if its nickname belongs to another session. */
    boolean create(SessionRecord session);

    Optional<SessionRecord> find(SessionToken token);

    /** Replaces a stored session's record (same token and nickname); no effect if it is gone. */
    void update(SessionRecord session);

    /** Removes the session and frees its nickname; no effect if it is gone. */
    void remove(SessionToken token);

    boolean isNicknameTaken(Nickname nickname);
}
