package dev.chat.domain.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.domain.contract.SettableClock;
import dev.chat.domain.memory.InMemoryEventBus;
import dev.chat.domain.memory.InMemoryMessageHistory;
import dev.chat.domain.memory.InMemoryPresenceStore;
import dev.chat.domain.memory.InMemorySessionStore;
import dev.chat.domain.model.ActiveUsers;
import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ChatLimits;
import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.Cursor;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.ListMembers;
import dev.chat.domain.model.MembersPage;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.model.PresenceChange;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.model.UserConnected;
import dev.chat.domain.model.UserDisconnected;
import dev.chat.domain.model.Welcome;
import dev.chat.domain.nickname.SeedNicknameGenerator;
import dev.chat.domain.port.out.ClientConnection;
import dev.chat.domain.port.out.PresenceStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Rooms bigger than the member list limit: bounded snapshots with the true count, and paging through members. */
class BigRoomTest {
    private static final int LIMIT = 50;
    private static final int MEMBERS = 3_000;

    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private final InMemoryEventBus bus = new InMemoryEventBus();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final InMemoryPresenceStore presence = new InMemoryPresenceStore();
    // A small room's arrivals at once (no burst window): the exact events are checked as each call returns.
    private ChatService chat = chatWith(new ChatLimits(4_000, 100, Duration.ofSeconds(10), 50, LIMIT, INTERVAL)
            .withPresenceBurstWindow(Duration.ZERO));

    private ChatService chatWith(ChatLimits limits) {
        return chatWith(limits, presence, Clock.systemUTC());
    }

    private ChatService chatWith(ChatLimits limits, PresenceStore presenceStore, Clock clock) {
        return new ChatService(
                new ChatService.Ports(
                        new InMemorySessionStore(),
                        presenceStore,
                        new InMemoryMessageHistory(bus, 100),
                        bus,
                        new SeedNicknameGenerator(new Random(13)),
                        new CountingEncoder(),
                        clock,
                        scheduler),
                limits);
    }

    private final List<Nickname> everyone = new ArrayList<>();
    private final List<SessionToken> tokens = new ArrayList<>();

    /** Connects {@code count} members that keep only their welcome (the room's fan-out is not tested here). */
    private void fill(int count) {
        for (int i = 0; i < count; i++) {
            Nickname[] welcomed = new Nickname[1];
            ClientConnection connection = new ClientConnection() {
                @Override
                public void send(OutboundEvent event) {
                    if (event.event() instanceof Welcome welcome) {
                        welcomed[0] = welcome.user();
                    }
                }

                @Override
                public void close(CloseReason reason) {}
            };
            tokens.add(chat.connect(connection));
            everyone.add(welcomed[0]);
        }
    }

    @Test
    void givenARoomOverTheLimit_aJoinerGetsItsFirstMembersInOrder_theTrueCount_andIsToldTheListIsIncomplete() {
        fill(MEMBERS);
        RecordingConnection joiner = new RecordingConnection();
        chat.connect(joiner);

        ActiveUsers snapshot = joiner.received(ActiveUsers.class).get(0);
        List<Nickname> sorted = new ArrayList<>(everyone);
        sorted.add(joiner.received(Welcome.class).get(0).user());
        sorted.sort(null);
        assertThat(snapshot.count()).isEqualTo(MEMBERS + 1);
        assertThat(snapshot.complete()).isFalse();
        assertThat(snapshot.users()).containsExactlyElementsOf(sorted.subList(0, LIMIT));
    }

    @Test
    void givenARoomAtTheLimit_theSnapshotListsEveryone() {
        fill(LIMIT - 1);
        RecordingConnection joiner = new RecordingConnection();
        chat.connect(joiner);

        ActiveUsers snapshot = joiner.received(ActiveUsers.class).get(0);
        assertThat(snapshot.complete()).isTrue();
        assertThat(snapshot.count()).isEqualTo(LIMIT);
        assertThat(snapshot.users()).hasSize(LIMIT);
    }

    @Test
    void givenPagesAsked_theyListEveryMemberOnce_inOrder() {
        fill(MEMBERS);
        RecordingConnection asker = new RecordingConnection();
        SessionToken token = chat.connect(asker);

        List<Nickname> listed = pageThrough(token, asker, 700, () -> {});

        List<Nickname> expected = new ArrayList<>(everyone);
        expected.add(asker.received(Welcome.class).get(0).user());
        expected.sort(null);
        assertThat(listed).containsExactlyElementsOf(expected);
    }

    @Test
    void givenMembersComingAndGoingWhilePaging_everyoneWhoStaysIsListedExactlyOnce() {
        fill(MEMBERS);
        RecordingConnection asker = new RecordingConnection();
        SessionToken token = chat.connect(asker);
        Set<Nickname> leaving = new HashSet<>();
        Random random = new Random(3);

        List<Nickname> listed = pageThrough(token, asker, 200, () -> {
            leaving.add(endSomeone(random));
            fill(1); // and somebody new arrives
        });

        assertThat(new HashSet<>(listed)).hasSize(listed.size()); // nobody twice
        List<Nickname> stayed = new ArrayList<>(everyone.subList(0, MEMBERS - leaving.size()));
        stayed.removeAll(leaving);
        assertThat(listed).containsAll(stayed);
        assertThat(listed).isSorted();
    }

    @Test
    void givenSomeoneNotInTheRoom_orABadLimit_noPageIsGiven() {
        fill(3);
        RecordingConnection asker = new RecordingConnection();
        SessionToken token = chat.connect(asker);

        assertThatThrownBy(() -> chat.handle(token, new ListMembers(RoomName.of("elsewhere"), null, 10, null)))
                .isInstanceOfSatisfying(
                        ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_IN_ROOM));
        assertThatThrownBy(() -> new ListMembers(RoomName.GENERAL, null, 1_001, null))
                .isInstanceOfSatisfying(
                        ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD));
        assertThat(asker.received(MembersPage.class)).isEmpty();
    }

    @Test
    void givenARoomGrowingPastTheLimit_arrivalsAreExactUpToIt_thenGatheredIntoOneFramePerInterval() {
        RecordingConnection watcher = new RecordingConnection();
        chat.connect(watcher);
        fill(LIMIT - 1); // the room is at the limit: every arrival was told on its own
        assertThat(watcher.received(UserConnected.class)).hasSize(LIMIT - 1);

        fill(30);

        assertThat(watcher.received(UserConnected.class)).hasSize(LIMIT - 1); // nothing one by one any more
        assertThat(watcher.received(PresenceChange.class)).isEmpty(); // until the interval is up
        scheduler.advance(INTERVAL);
        List<PresenceChange> frames = watcher.received(PresenceChange.class);
        assertThat(frames).hasSize(1);
        assertThat(frames.get(0).count()).isEqualTo(LIMIT + 30);
        assertThat(frames.get(0).joined())
                .hasSize(PresenceChange.MAX_NAMES)
                .isSubsetOf(everyone.subList(LIMIT - 1, everyone.size()));
        assertThat(frames.get(0).left()).isEmpty();

        scheduler.advance(INTERVAL.multipliedBy(5)); // quiet: no frame, and the timer rests
        assertThat(watcher.received(PresenceChange.class)).hasSize(1);
    }

    @Test
    void givenChurnInABigRoom_eachMemberGetsAtMostOneFramePerInterval_andTheLastCountIsTheTrueOne() {
        RecordingConnection watcher = new RecordingConnection();
        chat.connect(watcher);
        fill(MEMBERS);
        scheduler.advance(INTERVAL.multipliedBy(3));
        int framesBefore = watcher.received(PresenceChange.class).size();
        Random random = new Random(5);

        for (int second = 0; second < 5; second++) {
            for (int i = 0; i < 100; i++) {
                endSomeone(random);
                if (random.nextBoolean()) {
                    fill(1);
                }
            }
            scheduler.advance(INTERVAL);
        }
        scheduler.advance(INTERVAL.multipliedBy(2));

        List<PresenceChange> frames = watcher.received(PresenceChange.class);
        assertThat(frames.size() - framesBefore).isBetween(5, 6); // one per busy interval, one to confirm at most
        assertThat(frames.get(frames.size() - 1).count()).isEqualTo(presence.count(RoomName.GENERAL));
        assertThat(watcher.received(UserDisconnected.class)).isEmpty();
    }

    @Test
    void givenChurnInARoomOverItsFrameBudget_framesComeEveryFewIntervals_andTheTrueCountWithinTwoOfTheEnd() {
        // 1,000 frames a second for 3,001 local members: a frame every 4 intervals while the churn goes on.
        chat = chatWith(new ChatLimits(4_000, 100, Duration.ofSeconds(10), 50, LIMIT, INTERVAL, 1_000, Duration.ZERO));
        RecordingConnection watcher = new RecordingConnection();
        chat.connect(watcher);
        fill(MEMBERS);
        scheduler.advance(INTERVAL.multipliedBy(3));
        int framesBefore = watcher.received(PresenceChange.class).size();
        Random random = new Random(7);

        for (int interval = 0; interval < 8; interval++) {
            for (int i = 0; i < 50; i++) {
                endSomeone(random);
                fill(1);
            }
            scheduler.advance(INTERVAL);
        }
        int framesDuringChurn = watcher.received(PresenceChange.class).size() - framesBefore;
        scheduler.advance(INTERVAL.multipliedBy(2));

        assertThat(framesDuringChurn).isEqualTo(2); // at its first tick, then four intervals later
        List<PresenceChange> frames = watcher.received(PresenceChange.class);
        assertThat(frames).hasSize(framesBefore + 3); // and the one right after the churn ended
        assertThat(frames.get(frames.size() - 1).count()).isEqualTo(presence.count(RoomName.GENERAL));
    }

    @Test
    void givenABigRoomShrinkingUnderTheLimit_itsDeparturesAreExactAgain() {
        RecordingConnection watcher = new RecordingConnection();
        chat.connect(watcher);
        fill(LIMIT + 9); // with the watcher, ten over the limit
        scheduler.advance(INTERVAL);

        for (int i = 0; i < 20; i++) {
            chat.end(tokens.remove(0), CloseReason.ENDED);
        }

        // The first ten left while the room was still above the limit; the rest one by one.
        assertThat(watcher.received(UserDisconnected.class)).hasSize(10);
        scheduler.advance(INTERVAL);
        PresenceChange last = watcher.received(PresenceChange.class)
                .get(watcher.received(PresenceChange.class).size() - 1);
        assertThat(last.left()).hasSize(10);
        assertThat(last.count()).isEqualTo(presence.count(RoomName.GENERAL));
    }

    @Test
    void givenACrowdComingAndGoing_eachJoinerSeesTheTrueFirstMembers_readOnlyWhenAChangeTouchedThem() {
        ReadCountingPresence counted = countingReads();
        Random random = new Random(11);
        int joiners = 2_000;

        for (int i = 0; i < joiners; i++) {
            if (everyone.size() > LIMIT && random.nextInt(4) == 0) {
                endSomeone(random);
            }
            RecordingConnection joiner = new RecordingConnection();
            tokens.add(chat.connect(joiner));
            everyone.add(joiner.received(Welcome.class).get(0).user());

            List<Nickname> sorted = new ArrayList<>(everyone);
            sorted.sort(null);
            ActiveUsers snapshot = joiner.received(ActiveUsers.class).get(0);
            assertThat(snapshot.count()).isEqualTo(sorted.size());
            assertThat(snapshot.users()).containsExactlyElementsOf(sorted.subList(0, Math.min(LIMIT, sorted.size())));
        }

        // Read by every joiner until the room is past the limit, then by few: one in a hundred and more of the
        // arrivals (and departures) touch a room's first 51 once it has thousands.
        assertThat(counted.reads).isGreaterThan(LIMIT).isLessThan(joiners / 4);
    }

    @Test
    void givenACrowdResuming_eachSeesTheTrueFirstMembers_readOnceForAll() {
        ReadCountingPresence counted = countingReads();
        List<RecordingConnection> connections = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            RecordingConnection connection = new RecordingConnection();
            tokens.add(chat.connect(connection));
            connections.add(connection);
            everyone.add(connection.received(Welcome.class).get(0).user());
        }
        for (int i = 0; i < connections.size(); i++) {
            chat.disconnect(tokens.get(i), connections.get(i)); // they stay listed through the grace
        }
        int readsBefore = counted.reads;
        List<Nickname> sorted = new ArrayList<>(everyone);
        sorted.sort(null);

        for (SessionToken token : tokens) {
            RecordingConnection again = new RecordingConnection();
            chat.resume(token, Cursor.EMPTY, again);
            ActiveUsers snapshot = again.received(ActiveUsers.class).get(0);
            assertThat(snapshot.count()).isEqualTo(1_000);
            assertThat(snapshot.users()).containsExactlyElementsOf(sorted.subList(0, LIMIT));
        }

        assertThat(counted.reads - readsBefore).isEqualTo(1); // nobody arrived or left meanwhile
    }

    /** A service whose presence store counts its reads of first members; its kept reads never age out. */
    private ReadCountingPresence countingReads() {
        ReadCountingPresence counted = new ReadCountingPresence(presence);
        chat = chatWith(
                new ChatLimits(4_000, 100, Duration.ofSeconds(10), 50, LIMIT, INTERVAL)
                        .withPresenceBurstWindow(Duration.ZERO),
                counted,
                new SettableClock(Instant.parse("2026-12-02T12:00:00Z")));
        return counted;
    }

    /** Counts the reads of a room's first members (a count alone is not one). */
    private static final class ReadCountingPresence implements PresenceStore {
        private final PresenceStore store;
        int reads;

        ReadCountingPresence(PresenceStore store) {
            this.store = store;
        }

        @Override
        public boolean add(RoomName room, Nickname user, SessionToken session) {
            return store.add(room, user, session);
        }

        @Override
        public boolean remove(RoomName room, Nickname user, SessionToken session) {
            return store.remove(room, user, session);
        }

        @Override
        public List<Nickname> page(RoomName room, Nickname after, int limit) {
            return store.page(room, after, limit);
        }

        @Override
        public int count(RoomName room) {
            return store.count(room);
        }

        @Override
        public FirstMembers firstMembers(RoomName room, int limit) {
            reads += limit > 0 ? 1 : 0;
            return store.firstMembers(room, limit);
        }

        @Override
        public Joined addAndReadFirst(RoomName room, Nickname user, SessionToken session, int limit) {
            reads += limit > 0 ? 1 : 0;
            return store.addAndReadFirst(room, user, session, limit);
        }
    }

    /** Ends the session of a member {@link #fill} connected, picked at random; returns who left. */
    private Nickname endSomeone(Random random) {
        int gone = random.nextInt(tokens.size());
        chat.end(tokens.remove(gone), CloseReason.ENDED);
        return everyone.remove(gone);
    }

    /** Asks for pages of general until the last one, running {@code between} after each; returns what was listed. */
    private List<Nickname> pageThrough(SessionToken token, RecordingConnection asker, int limit, Runnable between) {
        List<Nickname> listed = new ArrayList<>();
        Nickname after = null;
        for (int pages = 0; pages < 1_000; pages++) {
            chat.handle(token, new ListMembers(RoomName.GENERAL, after, limit, "p" + pages));
            List<MembersPage> answers = asker.received(MembersPage.class);
            MembersPage page = answers.get(answers.size() - 1);
            assertThat(page.ref()).isEqualTo("p" + pages);
            assertThat(page.users().size()).isLessThanOrEqualTo(limit);
            listed.addAll(page.users());
            if (page.next() == null) {
                return listed;
            }
            after = page.next();
            between.run();
        }
        throw new AssertionError("paging did not end");
    }
}
