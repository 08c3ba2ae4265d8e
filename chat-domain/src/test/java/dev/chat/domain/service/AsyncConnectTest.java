package dev.chat.domain.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.domain.model.ActiveUsers;
import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ChatLimits;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SessionRecord;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.model.Welcome;
import dev.chat.domain.nickname.SeedNicknameGenerator;
import dev.chat.domain.port.out.ChatMetrics;
import dev.chat.domain.port.out.CommandRates;
import dev.chat.domain.port.out.PresenceStore;
import dev.chat.domain.port.out.RoomEntry;
import dev.chat.domain.port.out.SessionStore;
import dev.chat.domain.port.out.SignInVerifier;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connect over stores that answer later, on a thread of their own (as Redis's replies do): the opening goes on there
 * with no thread waiting, the client sees its welcome and room together when all of it is done, and a failure on the
 * way is undone off that thread and leaves nothing behind.
 */
class AsyncConnectTest {
    private static final String REPLY_THREAD = "store-replies";
    private static final Duration GRACE = ChatLimits.DEFAULTS.reconnectGrace();

    private final ExecutorService replies = Executors.newSingleThreadExecutor(task -> new Thread(task, REPLY_THREAD));
    /** Store replies wait for this while a test holds them back. */
    private volatile CountDownLatch repliesHeld = new CountDownLatch(0);
    /** The threads the stores were asked to undo an arrival on (a member's removal from presence). */
    private final List<String> removedOn = new CopyOnWriteArrayList<>();

    private FailingStores stores;
    private ManualScheduler scheduler;
    private ChatService chat;

    @AfterEach
    void stopReplies() {
        replies.shutdownNow();
    }

    private void fresh() {
        stores = new FailingStores();
        scheduler = new ManualScheduler();
        PresenceStore presence = recordingRemovals(stores.presence);
        chat = new ChatService(
                new ChatService.Ports(
                        answeringLater(stores.sessions),
                        presence,
                        stores.history,
                        stores.bus,
                        new SeedNicknameGenerator(new Random(3)),
                        new CountingEncoder(),
                        Clock.systemUTC(),
                        scheduler,
                        ChatMetrics.NONE,
                        CommandRates.UNLIMITED,
                        SignInVerifier.NONE,
                        answeringLater(RoomEntry.of(presence, stores.history, stores.bus))),
                ChatLimits.DEFAULTS.withPresenceBurstWindow(Duration.ZERO));
    }

    @Test
    void givenStoresThatAnswerLater_theOpeningGoesOnOnTheirThread_andTheClientGetsItsWelcomeAndRoomTogether()
            throws Exception {
        fresh();
        repliesHeld = new CountDownLatch(1);
        RecordingConnection arriving = new RecordingConnection();

        CompletableFuture<SessionToken> opening = chat.connectAsync(arriving, dev.chat.domain.model.Identity.ANONYMOUS)
                .toCompletableFuture();
        CompletableFuture<String> finishedOn =
                opening.thenApply(token -> Thread.currentThread().getName());

        assertThat(opening).as("the caller does not wait for the stores").isNotDone();
        assertThat(chat.localSessionCount())
                .as("not this node's until its opening is done")
                .isZero();
        repliesHeld.countDown();

        SessionToken token = opening.get(5, TimeUnit.SECONDS);
        assertThat(finishedOn.get(5, TimeUnit.SECONDS)).isEqualTo(REPLY_THREAD);
        Welcome welcome = arriving.received(Welcome.class).get(0);
        assertThat(welcome.session()).isEqualTo(token);
        assertThat(arriving.received(ActiveUsers.class).get(0).users()).contains(welcome.user());
        List<String> writes = arriving.writes();
        assertThat(writes.get(0)).isEqualTo("hold");
        assertThat(writes.get(writes.size() - 1))
                .as("released once the room is in")
                .isEqualTo("release");
        assertThat(writes).containsSubsequence("hold", "Welcome", "ActiveUsers", "release");
        assertThat(chat.localSessionCount()).isEqualTo(1);
        assertThat(stores.realPresence.members(RoomName.GENERAL)).containsExactly(welcome.user());
    }

    @Test
    void givenAnyStoreCallOfAConnectFailsOnTheStoresThread_itIsUndoneOffIt_andNothingOfTheArrivalIsLeft() {
        for (boolean staysDown : new boolean[] {false, true}) {
            for (int k = 1; ; k++) {
                fresh();
                RecordingConnection bystander = new RecordingConnection();
                finish(chat.connectAsync(bystander, dev.chat.domain.model.Identity.ANONYMOUS));
                RecordingConnection arriving = new RecordingConnection();

                stores.failCall(k, staysDown);
                CompletableFuture<SessionToken> opening = chat.connectAsync(
                                arriving, dev.chat.domain.model.Identity.ANONYMOUS)
                        .toCompletableFuture();
                finish(opening);
                boolean blown = stores.blown();
                stores.restore();
                scheduler.advance(GRACE.plusSeconds(5)); // expiry retries until the store answers

                assertThat(removedOn)
                        .as("k=%d: no undo waits on the stores' thread", k)
                        .doesNotContain(REPLY_THREAD);
                if (!opening.isCompletedExceptionally()) {
                    assertThat(stores.realPresence.members(RoomName.GENERAL)).hasSize(2);
                    assertThat(blown)
                            .as("k=%d: only a connect that met no failure succeeds", k)
                            .isFalse();
                    break; // k passed the connect's last store call: every failing point was tried
                }
                assertThat(opening.handle((token, failure) -> Stages.cause(failure))
                                .join())
                        .isInstanceOfSatisfying(
                                ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
                assertThat(chat.localSessionCount()).as("k=%d", k).isEqualTo(1);
                assertThat(stores.realPresence.members(RoomName.GENERAL))
                        .as("k=%d", k)
                        .hasSize(1);
                for (Welcome welcome : arriving.received(Welcome.class)) {
                    assertThat(stores.realSessions.isNicknameTaken(welcome.user()))
                            .as("k=%d", k)
                            .isFalse();
                    assertThat(stores.realSessions.find(welcome.session())).isEmpty();
                }
                assertThat(k).as("a connect makes only a few store calls").isLessThan(60);
            }
        }
    }

    @Test
    void givenTheNodeStartsDrainingWhileAConnectWaitsOnTheStores_itIsRefused_andLeavesNothing() {
        fresh();
        repliesHeld = new CountDownLatch(1);
        RecordingConnection arriving = new RecordingConnection();
        CompletableFuture<SessionToken> opening = chat.connectAsync(arriving, dev.chat.domain.model.Identity.ANONYMOUS)
                .toCompletableFuture();

        chat.closeToNewSessions();
        repliesHeld.countDown();
        finish(opening);
        scheduler.advance(GRACE.plusSeconds(5));

        assertThat(opening.handle((token, failure) -> Stages.cause(failure)).join())
                .isInstanceOfSatisfying(
                        ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
        assertThat(chat.localSessionTokens()).isEmpty();
        assertThat(stores.realPresence.members(RoomName.GENERAL)).isEmpty();
        Nickname given = arriving.received(Welcome.class).get(0).user();
        assertThat(stores.realSessions.isNicknameTaken(given)).isFalse();
        assertThat(removedOn).doesNotContain(REPLY_THREAD);
    }

    /** Waits for the opening, running what it left for the scheduler at once (its undo, off the stores' thread). */
    private void finish(CompletionStage<SessionToken> opening) {
        CompletableFuture<SessionToken> done = opening.toCompletableFuture();
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            scheduler.advance(Duration.ZERO);
            return done.isDone();
        });
    }

    private <T> CompletionStage<T> later(java.util.function.Supplier<T> call) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        repliesHeld.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return call.get();
                },
                replies);
    }

    private SessionStore answeringLater(SessionStore store) {
        return new SessionStore() {
            @Override
            public boolean create(SessionRecord session) {
                return store.create(session);
            }

            @Override
            public CompletionStage<Boolean> createAsync(SessionRecord session) {
                return later(() -> store.create(session));
            }

            @Override
            public Optional<SessionRecord> find(SessionToken token) {
                return store.find(token);
            }

            @Override
            public Optional<SessionRecord> claim(SessionToken token) {
                return store.claim(token);
            }

            @Override
            public void update(SessionRecord session) {
                store.update(session);
            }

            @Override
            public Released release(SessionToken token) {
                return store.release(token);
            }

            @Override
            public boolean isNicknameTaken(Nickname nickname) {
                return store.isNicknameTaken(nickname);
            }

            @Override
            public void disown(SessionToken token) {
                store.disown(token);
            }

            @Override
            public void onTakenOver(Consumer<SessionToken> listener) {
                store.onTakenOver(listener);
            }
        };
    }

    private RoomEntry answeringLater(RoomEntry entry) {
        return new RoomEntry() {
            @Override
            public Entered enter(
                    RoomName room, Nickname user, SessionToken session, int memberReads, int historyLimit) {
                return entry.enter(room, user, session, memberReads, historyLimit);
            }

            @Override
            public CompletionStage<Entered> enterAsync(
                    RoomName room, Nickname user, SessionToken session, int memberReads, int historyLimit) {
                return later(() -> entry.enter(room, user, session, memberReads, historyLimit));
            }
        };
    }

    private PresenceStore recordingRemovals(PresenceStore presence) {
        return new PresenceStore() {
            @Override
            public boolean add(RoomName room, Nickname user, SessionToken session) {
                return presence.add(room, user, session);
            }

            @Override
            public boolean remove(RoomName room, Nickname user, SessionToken session) {
                removedOn.add(Thread.currentThread().getName());
                return presence.remove(room, user, session);
            }

            @Override
            public List<Nickname> page(RoomName room, Nickname after, int limit) {
                return presence.page(room, after, limit);
            }

            @Override
            public int count(RoomName room) {
                return presence.count(room);
            }
        };
    }
}
