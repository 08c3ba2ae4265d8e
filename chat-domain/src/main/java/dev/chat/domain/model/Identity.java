package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * Who a session belongs to: anonymous (a generated nickname, every room, no end), or a user signed in with a token
 * (its id, the nickname it brings, the rooms it may join, and when its sign-in runs out unless refreshed). Immutable.
 *
 * @param userId the signed-in user's id (a token's {@code sub}); null when anonymous
 * @param nickname the nickname the user brings; null to have one generated
 * @param access the rooms the session may join
 * @param signedInUntil when the sign-in runs out; null when it never does (anonymous)
 */
public record Identity(String userId, Nickname nickname, RoomAccess access, Instant signedInUntil) {
    public static final Identity ANONYMOUS = new Identity(null, null, RoomAccess.EVERY_ROOM, null);

    public Identity {
        requireNonNull(access, "access");
        if (userId == null && (nickname != null || signedInUntil != null)) {
            throw new IllegalArgumentException("an anonymous identity has no nickname of its own and no end");
        }
        if (userId != null && (nickname == null || signedInUntil == null)) {
            throw new IllegalArgumentException("a signed-in identity needs a nickname and an end");
        }
    }

    public static Identity signedIn(String userId, Nickname nickname, RoomAccess access, Instant until) {
        return new Identity(requireNonNull(userId, "userId"), nickname, access, until);
    }

    public boolean isSignedIn() {
        return userId != null;
    }

    public Optional<Instant> expiry() {
        return Optional.ofNullable(signedInUntil);
    }

    /** The same user, signed in until later (a refreshed token). */
    public Identity until(Instant later) {
        return new Identity(userId, nickname, access, requireNonNull(later, "later"));
    }
}
