package dev.chat.domain.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.domain.model.Ack;
import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ChatLimits;
import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.Cursor;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.JoinRoom;
import dev.chat.domain.model.LeaveRoom;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SendMessage;
import dev.chat.domain.model.ServerEvent;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.model.UserConnected;
import dev.chat.domain.model.UserDisconnected;
import dev.chat.domain.model.Welcome;
import dev.chat.domain.nickname.SeedNicknameGenerator;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Every use case is all-or-nothing against store failures: for every k, a store that fails on the k-th call of the
 * use case (whether or not that call still took effect, as after a timeout) leaves the state as if the use case had
 * either completed or never run, and after the grace nothing of a failed arrival is left.
 */
class StoreFailureTest {
    /**
     * Arrivals and departures go out at once (no burst window), so what a member heard is complete when a call
     * returns and "nobody was told" cannot pass on an event still held; PresenceBurstTest covers the window.
     */
    private static final ChatLimits EACH_AT_ONCE = ChatLimits.DEFAULTS.withPresenceBurstWindow(Duration.ZERO);

    private static final RoomName DEV = RoomName.of("dev");
    private static final Duration GRACE = ChatLimits.DEFAULTS.reconnectGrace();
    /** More than any use case's store calls: the loop ends when a run no longer reaches the k-th call. */
    private static final int MAX_CALLS = 60;

    private FailingStores stores;
    private ManualScheduler scheduler;
    private ChatService chat;

    private void fresh() {
        stores = new FailingStores();
        scheduler = new ManualScheduler();
        chat = new ChatService(
                new ChatService.Ports(
                        stores.sessions,
                        stores.presence,
                        stores.history,
                        stores.bus,
                        new SeedNicknameGenerator(new Random(3)),
                        new CountingEncoder(),
                        Clock.systemUTC(),
                        scheduler),
                EACH_AT_ONCE);
    }

    /** Runs {@code scenario} with the k-th store call failing, for every k until the use case no longer fails. */
    private void forEveryFailingCall(boolean staysDown, Consumer<Integer> scenario) {
        for (int k = 1; k <= MAX_CALLS; k++) {
            fresh();
            scenario.accept(k);
            if (!stores.blown()) {
                return; // k passed the use case's last store call: every failing point was tried
            }
        }
        throw new AssertionError("the use case made more than " + MAX_CALLS + " store calls");
    }

    /**
     * Runs a command with the k-th store call from now failing (and, if {@code carriedOut}, taking effect anyway).
     *
     * @return whether the command succeeded
     */
    private boolean succeedsDespite(int k, boolean carriedOut, Runnable command) {
        stores.failCall(k, false, carriedOut);
        try {
            command.run();
            return true;
        } catch (ChatException refused) {
            return false;
        } finally {
            stores.restore();
        }
    }

    /** What {@code observer} heard of {@code member} arriving in and leaving DEV, in order. */
    private static List<ServerEvent> presenceOf(Nickname member, RecordingConnection observer) {
        return observer.received().stream()
                .filter(e -> e.equals(new UserConnected(DEV, member)) || e.equals(new UserDisconnected(DEV, member)))
                .toList();
    }

    @Test
    void givenAnyStoreCallOfConnectFails_nothingOfTheArrivalIsLeftAfterTheGrace() {
        for (boolean staysDown : new boolean[] {false, true}) {
            forEveryFailingCall(staysDown, k -> {
                RecordingConnection bystander = new RecordingConnection();
                chat.connect(bystander);
                RecordingConnection arriving = new RecordingConnection();

                stores.failCall(k, staysDown);
                SessionToken token = null;
                try {
                    token = chat.connect(arriving);
                } catch (ChatException e) {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                }
                stores.restore();
                scheduler.advance(GRACE.plusSeconds(5)); // expiry retries until the store answers

                if (token != null) {
                    assertThat(stores.realPresence.members(RoomName.GENERAL)).hasSize(2);
                    return;
                }
                assertThat(chat.localSessionCount()).as("k=%d", k).isEqualTo(1);
                assertThat(stores.realPresence.members(RoomName.GENERAL))
                        .as("k=%d", k)
                        .hasSize(1);
                arriving.received(Welcome.class).forEach(welcome -> {
                    assertThat(stores.realSessions.isNicknameTaken(welcome.user()))
                            .as("k=%d", k)
                            .isFalse();
                    assertThat(stores.realSessions.find(welcome.session())).isEmpty();
                });
                assertThat(stores.realBus.listenerCount(RoomName.GENERAL)).isEqualTo(1); // the bystander's node
            });
        }
    }

    @Test
    void givenAnyStoreCallOfJoinFails_theSessionIsEitherFullyInTheRoomOrNotAtAll() {
        for (boolean carriedOut : new boolean[] {false, true}) {
            joinFailing(carriedOut);
        }
    }

    private void joinFailing(boolean carriedOut) {
        forEveryFailingCall(false, k -> {
            RecordingConnection alice = new RecordingConnection();
            SessionToken token = chat.connect(alice);
            RecordingConnection bob = new RecordingConnection();
            SessionToken bobToken = chat.connect(bob);
            chat.handle(bobToken, new JoinRoom(DEV, null));
            Nickname aliceName = alice.received(Welcome.class).get(0).user();

            boolean joined = succeedsDespite(k, carriedOut, () -> chat.handle(token, new JoinRoom(DEV, "j1")));

            if (!joined) {
                assertThat(stores.realPresence.members(DEV)).as("k=%d", k).doesNotContain(aliceName);
                assertThat(stores.realSessions.find(token).orElseThrow().rooms())
                        .as("k=%d", k)
                        .doesNotContain(DEV);
                assertThatThrownBy(() -> chat.handle(token, new SendMessage(DEV, "hi", null)))
                        .isInstanceOf(ChatException.class);
                List<ServerEvent> aboutAlice = presenceOf(aliceName, bob);
                assertThat(aboutAlice.isEmpty() || aboutAlice.get(aboutAlice.size() - 1) instanceof UserDisconnected)
                        .as("k=%d: bob does not end up believing she is in", k)
                        .isTrue();
                chat.handle(token, new JoinRoom(DEV, "j2")); // trying again works
            }
            assertThat(stores.realPresence.members(DEV)).as("k=%d", k).contains(aliceName);
            assertThat(stores.realSessions.find(token).orElseThrow().rooms()).contains(DEV);
            Ack sent = chat.handle(bobToken, new SendMessage(DEV, "live?", "m" + k));
            assertThat(alice.received(ChatMessage.class))
                    .as("k=%d: a member gets the room's live messages", k)
                    .anyMatch(message ->
                            message.seq() == sent.seq() && message.room().equals(DEV));
        });
    }

    @Test
    void givenAnyStoreCallOfLeaveFails_theSessionIsEitherFullyOutOfTheRoomOrStillFullyIn() {
        for (boolean carriedOut : new boolean[] {false, true}) {
            leaveFailing(carriedOut);
        }
    }

    private void leaveFailing(boolean carriedOut) {
        forEveryFailingCall(false, k -> {
            RecordingConnection alice = new RecordingConnection();
            SessionToken token = chat.connect(alice);
            RecordingConnection bob = new RecordingConnection();
            SessionToken bobToken = chat.connect(bob);
            chat.handle(bobToken, new JoinRoom(DEV, null));
            chat.handle(token, new JoinRoom(DEV, null));
            Nickname aliceName = alice.received(Welcome.class).get(0).user();

            boolean left = succeedsDespite(k, carriedOut, () -> chat.handle(token, new LeaveRoom(DEV, "l1")));

            Ack sent = chat.handle(bobToken, new SendMessage(DEV, "still there?", null));
            boolean delivered = alice.received(ChatMessage.class).stream().anyMatch(m -> m.seq() == sent.seq());
            List<ServerEvent> aboutAlice = presenceOf(aliceName, bob);
            ServerEvent lastHeard = aboutAlice.get(aboutAlice.size() - 1);
            if (left) {
                assertThat(stores.realPresence.members(DEV)).as("k=%d", k).doesNotContain(aliceName);
                assertThat(stores.realSessions.find(token).orElseThrow().rooms())
                        .doesNotContain(DEV);
                assertThat(delivered).as("k=%d", k).isFalse();
                assertThat(lastHeard).as("k=%d", k).isEqualTo(new UserDisconnected(DEV, aliceName));
            } else {
                assertThat(stores.realPresence.members(DEV)).as("k=%d", k).contains(aliceName);
                assertThat(stores.realSessions.find(token).orElseThrow().rooms())
                        .contains(DEV);
                assertThat(delivered).as("k=%d", k).isTrue();
                // Bob may have heard her leave (an announcement that timed out yet went out), then heard her come
                // back: what he heard last is true.
                assertThat(lastHeard).as("k=%d", k).isEqualTo(new UserConnected(DEV, aliceName));
            }
        });
    }

    @Test
    void givenAnyStoreCallOfResumeFails_theClientCanResumeAgain_orTheSessionEndsAfterTheGrace() {
        for (boolean comesBack : new boolean[] {true, false}) {
            forEveryFailingCall(false, k -> {
                RecordingConnection first = new RecordingConnection();
                SessionToken token = chat.connect(first);
                Nickname name = first.received(Welcome.class).get(0).user();
                chat.disconnect(token, first);
                RecordingConnection second = new RecordingConnection();

                stores.failCall(k, false);
                boolean resumed;
                try {
                    chat.resume(token, Cursor.EMPTY, second);
                    resumed = true;
                } catch (ChatException e) {
                    resumed = false;
                }
                stores.restore();

                if (!resumed && comesBack) {
                    RecordingConnection third = new RecordingConnection();
                    chat.resume(token, Cursor.EMPTY, third);
                    scheduler.advance(GRACE.plusSeconds(5));
                    assertThat(chat.localSessionCount()).as("k=%d", k).isEqualTo(1);
                    assertThat(stores.realPresence.members(RoomName.GENERAL)).contains(name);
                } else if (!resumed) {
                    scheduler.advance(GRACE.plusSeconds(5));
                    assertThat(chat.localSessionCount()).as("k=%d", k).isZero();
                    assertThat(stores.realPresence.members(RoomName.GENERAL)).isEmpty();
                    assertThat(stores.realSessions.isNicknameTaken(name)).isFalse();
                    assertThat(stores.realBus.listenerCount(RoomName.GENERAL)).isZero();
                } else {
                    scheduler.advance(GRACE.plusSeconds(5));
                    assertThat(chat.localSessionCount()).isEqualTo(1);
                }
            });
        }
    }

    @Test
    void givenManySessionsEndingWhileTheStoreIsDown_theirRetriesSpreadOverASecond_andEachEnds() {
        fresh();
        List<Nickname> leaving = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            RecordingConnection connection = new RecordingConnection();
            SessionToken token = chat.connect(connection);
            leaving.add(connection.received(Welcome.class).get(0).user());
            chat.disconnect(token, connection);
        }

        stores.failCall(1, true);
        scheduler.advance(GRACE); // every expiry meets the outage at once
        stores.restore();

        scheduler.advance(SessionExpiry.RETRY.minusMillis(1));
        assertThat(chat.localSessionCount()).isEqualTo(100); // no retry before the earliest
        scheduler.advance(SessionExpiry.RETRY_SPREAD.dividedBy(2));
        assertThat(chat.localSessionCount()).isBetween(1, 99); // some retried, not all at once
        scheduler.advance(SessionExpiry.RETRY_SPREAD);
        assertThat(chat.localSessionCount()).isZero();
        assertThat(stores.realPresence.members(RoomName.GENERAL)).doesNotContainAnyElementsOf(leaving);
    }

    @Test
    void givenTheStoreIsDownWhenTheGraceEnds_theSessionStillEndsOnce_andItsDepartureIsToldOnce() {
        forEveryFailingCall(true, k -> {
            RecordingConnection bystander = new RecordingConnection();
            chat.connect(bystander);
            RecordingConnection leaving = new RecordingConnection();
            SessionToken token = chat.connect(leaving);
            Nickname name = leaving.received(Welcome.class).get(0).user();
            chat.disconnect(token, leaving);

            stores.failCall(k, true);
            scheduler.advance(GRACE.plusSeconds(3)); // the expiry meets the outage and keeps trying
            stores.restore();
            scheduler.advance(Duration.ofSeconds(30));

            assertThat(chat.localSessionCount()).as("k=%d", k).isEqualTo(1);
            assertThat(stores.realPresence.members(RoomName.GENERAL)).doesNotContain(name);
            assertThat(stores.realSessions.isNicknameTaken(name)).isFalse();
            assertThat(bystander.received(UserDisconnected.class))
                    .filteredOn(d -> d.user().equals(name))
                    .hasSize(1);
        });
    }

    @Test
    void givenAJoinThatFailsWithItsUndo_theSessionsEndStillTakesTheMemberOutOfThatRoom() {
        forEveryFailingCall(true, k -> {
            RecordingConnection bystander = new RecordingConnection();
            SessionToken bystanderToken = chat.connect(bystander);
            chat.handle(bystanderToken, new JoinRoom(DEV, null));
            RecordingConnection alice = new RecordingConnection();
            SessionToken token = chat.connect(alice);
            Nickname name = alice.received(Welcome.class).get(0).user();

            // the failing call takes effect anyway and the store stays down, so the join's undo fails too
            stores.failCall(k, true, true);
            try {
                chat.handle(token, new JoinRoom(DEV, "j1"));
            } catch (ChatException refused) {
                assertThat(refused.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            }
            stores.restore();
            chat.disconnect(token, alice);
            scheduler.advance(GRACE.plusSeconds(5));

            assertThat(stores.realPresence.members(DEV)).as("k=%d", k).doesNotContain(name);
            List<ServerEvent> aboutAlice = presenceOf(name, bystander);
            assertThat(aboutAlice.isEmpty() || aboutAlice.get(aboutAlice.size() - 1) instanceof UserDisconnected)
                    .as("k=%d: the bystander does not end up believing she is in", k)
                    .isTrue();
        });
    }

    @Test
    void givenTheStoreLostASessionDuringItsGrace_theMemberIsStillRemovedAndAnnouncedOnce() {
        fresh();
        RecordingConnection bystander = new RecordingConnection();
        chat.connect(bystander);
        RecordingConnection leaving = new RecordingConnection();
        SessionToken token = chat.connect(leaving);
        Nickname name = leaving.received(Welcome.class).get(0).user();
        chat.disconnect(token, leaving);

        stores.realSessions.release(token); // as a Redis restarted without persistence would have it
        scheduler.advance(GRACE.plusSeconds(1));

        assertThat(chat.localSessionCount()).isEqualTo(1);
        assertThat(stores.realPresence.members(RoomName.GENERAL)).doesNotContain(name);
        assertThat(bystander.received(UserDisconnected.class))
                .filteredOn(d -> d.user().equals(name))
                .hasSize(1);
    }
}
