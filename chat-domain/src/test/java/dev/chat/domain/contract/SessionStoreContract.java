package dev.chat.domain.contract;

import static dev.chat.domain.contract.ContractSupport.uniqueNickname;
import static dev.chat.domain.contract.ContractSupport.uniqueRoom;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.domain.model.Identity;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomAccess;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SessionRecord;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.SessionStore;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link SessionStore} must do. */
public abstract class SessionStoreContract {
    private SessionStore sessions;

    protected abstract SessionStore createSessionStore();

    @BeforeEach
    void createStore() {
        sessions = createSessionStore();
    }

    @Test
    void givenCreatedSession_itCanBeFoundByToken() {
        SessionRecord session = newSession(uniqueNickname());

        assertThat(sessions.create(session)).isTrue();

        assertThat(sessions.find(session.token())).contains(session);
        assertThat(sessions.isNicknameTaken(session.nickname())).isTrue();
        assertThat(sessions.find(SessionToken.generate())).isEmpty();
    }

    @Test
    void givenNicknameInUse_creatingAnotherSessionWithItFails() {
        Nickname nickname = uniqueNickname();
        sessions.create(newSession(nickname));
        SessionRecord rival = newSession(nickname);

        assertThat(sessions.create(rival)).isFalse();
        assertThat(sessions.find(rival.token())).isEmpty();
    }

    @Test
    void givenATakenNickname_theSameTokenIsThenCreatedUnderAFreeOne_asTheAllocatorRetries() {
        Nickname taken = uniqueNickname();
        sessions.create(newSession(taken));
        SessionToken token = SessionToken.generate();
        Nickname free = uniqueNickname();

        assertThat(sessions.create(new SessionRecord(token, taken, Set.of(RoomName.GENERAL))))
                .isFalse();
        assertThat(sessions.create(new SessionRecord(token, free, Set.of(RoomName.GENERAL))))
                .isTrue();

        assertThat(sessions.find(token).orElseThrow().nickname()).isEqualTo(free);
        assertThat(sessions.release(token)).isEqualTo(SessionStore.Released.RELEASED);
        assertThat(sessions.create(newSession(free))).isTrue();
    }

    @Test
    void givenCreateWithoutWaiting_itAgreesWithCreate_aTakenNameRefused_aFreeOneStoredAndReleasable() throws Exception {
        Nickname taken = uniqueNickname();
        sessions.create(newSession(taken));
        SessionToken token = SessionToken.generate();
        Nickname free = uniqueNickname();

        assertThat(sessions.createAsync(new SessionRecord(token, taken, Set.of(RoomName.GENERAL)))
                        .toCompletableFuture()
                        .get(5, TimeUnit.SECONDS))
                .isFalse();
        assertThat(sessions.find(token)).isEmpty();
        SessionRecord created = new SessionRecord(token, free, Set.of(RoomName.GENERAL));
        assertThat(sessions.createAsync(created).toCompletableFuture().get(5, TimeUnit.SECONDS))
                .isTrue();

        assertThat(sessions.find(token)).contains(created);
        assertThat(sessions.isNicknameTaken(free)).isTrue();
        assertThat(sessions.release(token)).isEqualTo(SessionStore.Released.RELEASED);
        assertThat(sessions.isNicknameTaken(free)).isFalse();
    }

    @Test
    void givenReleasedSession_itIsGone_andItsNicknameIsFree() {
        Nickname nickname = uniqueNickname();
        SessionRecord session = newSession(nickname);
        sessions.create(session);

        assertThat(sessions.release(session.token())).isEqualTo(SessionStore.Released.RELEASED);
        assertThat(sessions.release(session.token())).isEqualTo(SessionStore.Released.ALREADY_GONE); // harmless

        assertThat(sessions.find(session.token())).isEmpty();
        assertThat(sessions.isNicknameTaken(nickname)).isFalse();
        assertThat(sessions.create(newSession(nickname))).isTrue();
    }

    @Test
    void givenStoredSession_claimingItReturnsItsRecord_andItStaysOwnedHere() {
        SessionRecord session = newSession(uniqueNickname());
        sessions.create(session);
        SessionRecord updated = session.withRooms(Set.of(RoomName.GENERAL, uniqueRoom()));

        assertThat(sessions.claim(session.token())).contains(session);
        sessions.update(updated);

        assertThat(sessions.find(session.token())).contains(updated);
        assertThat(sessions.release(session.token())).isEqualTo(SessionStore.Released.RELEASED);
    }

    @Test
    void givenUnknownOrReleasedSession_claimingItFindsNothing() {
        SessionRecord session = newSession(uniqueNickname());
        sessions.create(session);
        sessions.release(session.token());

        assertThat(sessions.claim(session.token())).isEmpty();
        assertThat(sessions.claim(SessionToken.generate())).isEmpty();
        assertThat(sessions.find(session.token())).isEmpty();
    }

    @Test
    void givenASignedInSession_itsIdentityIsKept_foundClaimedAndUpdated() {
        Nickname nickname = uniqueNickname();
        Identity identity = Identity.signedIn(
                "user-42",
                nickname,
                RoomAccess.only(List.of("general", "team-*")),
                Instant.ofEpochMilli(1_800_000_000_000L));
        SessionRecord session =
                new SessionRecord(SessionToken.generate(), nickname, Set.of(RoomName.GENERAL), identity);
        sessions.create(session);

        assertThat(sessions.find(session.token())).hasValue(session);
        assertThat(sessions.claim(session.token())).hasValue(session);

        Identity refreshed = identity.until(Instant.ofEpochMilli(1_800_000_600_000L));
        sessions.update(new SessionRecord(session.token(), nickname, session.rooms(), refreshed));
        assertThat(sessions.find(session.token()).map(SessionRecord::identity)).hasValue(refreshed);
    }

    @Test
    void givenOneSignedInUser_theirSessionsShareTheirNickname_whichNobodyElseMayTake() {
        Nickname nickname = uniqueNickname();
        Identity ada = Identity.signedIn(
                "user-ada", nickname, RoomAccess.EVERY_ROOM, Instant.now().plusSeconds(600));
        Identity other = Identity.signedIn(
                "user-eve", nickname, RoomAccess.EVERY_ROOM, Instant.now().plusSeconds(600));
        SessionRecord firstTab = new SessionRecord(SessionToken.generate(), nickname, Set.of(), ada);
        SessionRecord secondTab = new SessionRecord(SessionToken.generate(), nickname, Set.of(), ada);

        assertThat(sessions.create(firstTab)).isTrue();
        assertThat(sessions.create(secondTab)).isTrue();
        assertThat(sessions.create(new SessionRecord(SessionToken.generate(), nickname, Set.of(), other)))
                .isFalse();
        assertThat(sessions.create(newSession(nickname))).isFalse();

        sessions.release(firstTab.token());
        assertThat(sessions.find(secondTab.token())).isPresent();
        assertThat(sessions.create(newSession(nickname))).isFalse(); // still the second tab's
    }

    @Test
    void givenAnAnonymousSession_itStaysAnonymous() {
        SessionRecord session = newSession(uniqueNickname());
        sessions.create(session);

        assertThat(sessions.find(session.token()).map(SessionRecord::identity)).hasValue(Identity.ANONYMOUS);
    }

    @Test
    void givenUpdate_theNewRoomsAreStored() {
        SessionRecord session = newSession(uniqueNickname());
        sessions.create(session);
        RoomName extra = uniqueRoom();
        SessionRecord updated = session.withRooms(Set.of(RoomName.GENERAL, extra));

        sessions.update(updated);

        assertThat(sessions.find(session.token())).contains(updated);
    }

    @Test
    void givenUpdateOfRemovedSession_nothingIsStored() {
        SessionRecord session = newSession(uniqueNickname());

        sessions.update(session);

        assertThat(sessions.find(session.token())).isEmpty();
    }

    @Test
    void givenConcurrentCreatesWithOneNickname_exactlyOneWins() throws Exception {
        Nickname nickname = uniqueNickname();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> attempts = IntStream.range(0, 16)
                    .mapToObj(i -> (Callable<Boolean>) () -> sessions.create(newSession(nickname)))
                    .toList();
            long winners = 0;
            for (Future<Boolean> result : pool.invokeAll(attempts)) {
                winners += result.get() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    private static SessionRecord newSession(Nickname nickname) {
        return new SessionRecord(SessionToken.generate(), nickname, Set.of(RoomName.GENERAL));
    }
}
