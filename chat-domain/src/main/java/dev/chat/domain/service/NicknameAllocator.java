package dev.chat.domain.service;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.Identity;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SessionRecord;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.NicknameGenerator;
import dev.chat.domain.port.out.SessionStore;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Creates sessions with a nickname no other session holds: a generated one, or with a number when names crowd. */
final class NicknameAllocator {
    /** Generated nicknames tried before a numeric suffix is added, while most of them are free. */
    static final int PLAIN_NICKNAME_ATTEMPTS = 20;
    /**
     * While few generated names are free, one session in this many tries one (which keeps the share of free ones
     * measured); the others go straight to a numbered name. The word lists make about 4,600 names, so past that many
     * people online nearly every one is taken, and each try is a store round trip: with Redis a connect made 21 of
     * them when every session tried twenty, and 3 when it tried two.
     */
    static final int CROWDED_TRY_EVERY = 8;
    /** Below this share of free names among the latest plain ones tried (per mille), names count as crowded. */
    private static final int CROWDED_BELOW_PER_MILLE = 100;
    /** The latest try's weight in the running share: one sixteenth. */
    private static final int SHARE_SMOOTHING = 16;

    private static final int SUFFIXED_NICKNAME_ATTEMPTS = 1_000;

    private final SessionStore sessions;
    private final NicknameGenerator nicknames;
    /** How many of the latest plain names tried were free, per mille: a running average (racy updates only blur it). */
    private volatile int plainFreePerMille = 1000;
    /** Sessions created while the plain names were crowded: every {@link #CROWDED_TRY_EVERY}th tries one. */
    private final AtomicInteger crowdedSessions = new AtomicInteger();

    NicknameAllocator(SessionStore sessions, NicknameGenerator nicknames) {
        this.sessions = requireNonNull(sessions, "sessions");
        this.nicknames = requireNonNull(nicknames, "nicknames");
    }

    /**
     * Stores a new session in {@code rooms} under a free nickname. The stage fails with {@code unavailable} when no
     * free nickname was found, or the store is down (nothing stored).
     */
    CompletionStage<SessionRecord> createSession(Set<RoomName> rooms, Identity identity) {
        return tryFrom(new Tries(rooms, identity, identity.nickname() == null ? plainAttempts() : 0));
    }

    /**
     * Tries names until one is free. A store that answers at once is tried in a loop; one that answers later goes on
     * from its reply, so no thread waits and no stack grows with the tries.
     */
    private CompletionStage<SessionRecord> tryFrom(Tries tries) {
        while (true) {
            SessionRecord record = tries.next();
            if (record == null) {
                return CompletableFuture.failedFuture(
                        new ChatException(ErrorCode.UNAVAILABLE, "no free nickname, try again later"));
            }
            boolean plain = tries.lastWasPlain;
            CompletableFuture<Boolean> created = sessions.createAsync(record).toCompletableFuture();
            if (!created.isDone() || created.isCompletedExceptionally()) {
                return created.thenCompose(free -> free(plain, free) ? created(record) : tryFrom(tries));
            }
            if (free(plain, created.join())) {
                return created(record);
            }
        }
    }

    private static CompletionStage<SessionRecord> created(SessionRecord record) {
        return CompletableFuture.completedFuture(record);
    }

    /** A try's outcome, noted if it was a generated name's. */
    private boolean free(boolean plain, boolean free) {
        if (plain) {
            notePlainTry(free);
        }
        return free;
    }

    /**
     * The names one session tries, in order: the user's own (if signed in with one), then generated names while most
     * are free, then names in the same style with a number.
     */
    private final class Tries {
        private final SessionToken token = SessionToken.generate();
        private final Set<RoomName> rooms;
        private final Identity identity;
        private final int plainAttempts;
        private int made;
        boolean lastWasPlain;

        Tries(Set<RoomName> rooms, Identity identity, int plainAttempts) {
            this.rooms = rooms;
            this.identity = identity;
            this.plainAttempts = plainAttempts;
        }

        /** The next session to try to store, or null when every try is used up. */
        SessionRecord next() {
            Nickname own = identity.nickname();
            int attempt = made++;
            lastWasPlain = false;
            if (own != null) {
                if (attempt == 0) {
                    return with(own);
                }
                attempt--;
            }
            if (attempt < plainAttempts) {
                lastWasPlain = true;
                return with(nicknames.next());
            }
            attempt -= plainAttempts;
            if (attempt >= SUFFIXED_NICKNAME_ATTEMPTS) {
                return null;
            }
            // The names are crowded (or the user's own is held by another session): keep the style, add a number.
            String base = own != null ? own.value() : nicknames.next().value();
            int number = ThreadLocalRandom.current().nextInt(2, attempt < 100 ? 100 : 100_000);
            return with(suffixed(base, number));
        }

        private SessionRecord with(Nickname nickname) {
            return new SessionRecord(token, nickname, rooms, identity);
        }
    }

    /**
     * How many generated names this session tries. Asked only for sessions without a name of their own: a signed-in
     * user whose name another session holds never tries one, and must not use up a newcomer's crowded turn.
     */
    private int plainAttempts() {
        if (plainFreePerMille >= CROWDED_BELOW_PER_MILLE) {
            return PLAIN_NICKNAME_ATTEMPTS;
        }
        return Math.floorMod(crowdedSessions.getAndIncrement(), CROWDED_TRY_EVERY) == 0 ? 1 : 0;
    }

    private void notePlainTry(boolean free) {
        int share = plainFreePerMille;
        plainFreePerMille = share + ((free ? 1000 : 0) - share) / SHARE_SMOOTHING;
    }

    /** The name with a number, still within a nickname's length. */
    private static Nickname suffixed(String base, int number) {
        String digits = Integer.toString(number);
        int room = 64 - digits.length();
        return new Nickname((base.length() > room ? base.substring(0, room) : base) + digits);
    }
}
