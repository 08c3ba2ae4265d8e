package dev.chat.domain.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.domain.memory.InMemoryEventBus;
import dev.chat.domain.memory.InMemoryMessageHistory;
import dev.chat.domain.memory.InMemoryPresenceStore;
import dev.chat.domain.memory.InMemorySessionStore;
import dev.chat.domain.model.ActiveUsers;
import dev.chat.domain.model.ChatLimits;
import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.PresenceChange;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SendMessage;
import dev.chat.domain.model.ServerEvent;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.model.UserConnected;
import dev.chat.domain.model.UserDisconnected;
import dev.chat.domain.model.Welcome;
import dev.chat.domain.nickname.SeedNicknameGenerator;
import dev.chat.domain.port.out.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A small room's arrivals and departures that follow one just sent share a write per member: held for the burst
 * window, in order, ahead of the room's next other event.
 */
class PresenceBurstTest {
    private static final Duration WINDOW = ChatLimits.DEFAULT_PRESENCE_BURST_WINDOW;

    private final ManualScheduler scheduler = new ManualScheduler();
    private ChatService chat = chatWith(ChatLimits.DEFAULTS, scheduler);

    @Test
    void givenArrivalsOneAfterAnother_theFirstGoesOutAtOnce_andTheWindowsOthersTogetherWhenItEnds() {
        RecordingConnection watcher = aloneInGeneral();

        RecordingConnection first = connected();
        List<RecordingConnection> crowd = connect(3);

        assertThat(toldOf(watcher)).containsExactly(nicknameOf(first));
        assertThat(toldOf(first)).isEmpty();

        scheduler.advance(WINDOW);

        List<Nickname> crowdNames =
                crowd.stream().map(PresenceBurstTest::nicknameOf).toList();
        List<Nickname> all = new ArrayList<>(List.of(nicknameOf(first)));
        all.addAll(crowdNames);
        assertThat(toldOf(watcher)).containsExactlyElementsOf(all);
        assertThat(watcher.runsOf(UserConnected.class))
                .extracting(run -> run.stream().map(UserConnected::user).toList())
                .containsExactly(List.of(nicknameOf(first)), crowdNames);
        assertThat(first.runsOf(UserConnected.class))
                .extracting(run -> run.stream().map(UserConnected::user).toList())
                .containsExactly(crowdNames);
        assertThat(toldOf(crowd.get(0))).containsExactlyElementsOf(crowdNames.subList(1, 3));
    }

    @Test
    void givenArrivalsHeld_aMessageTakesThemAlongAheadOfItInOneWrite_andNothingComesTwice() {
        RecordingConnection watcher = aloneInGeneral();
        RecordingConnection speaker = new RecordingConnection();
        SessionToken speakerToken = chat.connect(speaker);
        RecordingConnection late = connected();

        chat.handle(speakerToken, new SendMessage(RoomName.GENERAL, "hello", null));

        List<ServerEvent> lastRun = watcher.runsOf(ServerEvent.class)
                .get(watcher.runsOf(ServerEvent.class).size() - 1);
        assertThat(lastRun).hasSize(2);
        assertThat(lastRun.get(0)).isEqualTo(new UserConnected(RoomName.GENERAL, nicknameOf(late)));
        assertThat(((ChatMessage) lastRun.get(1)).text()).isEqualTo("hello");
        scheduler.advance(WINDOW.multipliedBy(3));
        assertThat(toldOf(watcher)).containsExactly(nicknameOf(speaker), nicknameOf(late));
        assertThat(watcher.received(ChatMessage.class)).hasSize(1);
    }

    @Test
    void givenAJoinerWhileArrivalsAreHeld_itIsNotToldOfThoseItsSnapshotAlreadyLists_butOfTheOnesAfterIt() {
        RecordingConnection watcher = aloneInGeneral();
        chat.connect(new RecordingConnection());
        RecordingConnection held = connected();
        RecordingConnection joiner = connected();
        RecordingConnection after = connected();

        scheduler.advance(WINDOW);

        assertThat(joiner.received(ActiveUsers.class).get(0).users()).contains(nicknameOf(held));
        assertThat(toldOf(joiner)).containsExactly(nicknameOf(after));
        assertThat(toldOf(held)).containsExactly(nicknameOf(joiner), nicknameOf(after));
        assertThat(toldOf(watcher)).endsWith(nicknameOf(held), nicknameOf(joiner), nicknameOf(after));
    }

    @Test
    void givenAJoinerWhileArrivalsAreHeld_aMessageTakesAlongOnlyTheOnesAfterIt() {
        aloneInGeneral();
        RecordingConnection speaker = new RecordingConnection();
        SessionToken speakerToken = chat.connect(speaker);
        chat.connect(new RecordingConnection());
        RecordingConnection joiner = connected();

        chat.handle(speakerToken, new SendMessage(RoomName.GENERAL, "hello", null));

        assertThat(toldOf(joiner)).isEmpty();
        assertThat(joiner.received(ChatMessage.class))
                .extracting(ChatMessage::text)
                .containsExactly("hello");
    }

    @Test
    void givenAWindowThatEndsWithNothingHeld_theNextArrivalGoesOutAtOnce() {
        RecordingConnection watcher = aloneInGeneral();
        chat.connect(new RecordingConnection());
        RecordingConnection held = connected();
        scheduler.advance(WINDOW); // sends the held arrival, and waits one more window for the burst to go on
        scheduler.advance(WINDOW); // nothing came: the window closes

        RecordingConnection next = connected();

        assertThat(toldOf(watcher)).endsWith(nicknameOf(held), nicknameOf(next));
    }

    @Test
    void givenAnArrivalAndTheDepartureOfTheSameUserInOneWindow_membersHearBothInOrder() {
        RecordingConnection watcher = aloneInGeneral();
        chat.connect(new RecordingConnection());
        RecordingConnection brief = new RecordingConnection();
        SessionToken briefToken = chat.connect(brief);
        chat.quit(briefToken, brief);

        assertThat(watcher.received(UserDisconnected.class)).isEmpty();
        scheduler.advance(WINDOW);

        List<ServerEvent> heard = watcher.received().stream()
                .filter(event -> event instanceof UserConnected || event instanceof UserDisconnected)
                .toList();
        assertThat(heard)
                .endsWith(
                        new UserConnected(RoomName.GENERAL, nicknameOf(brief)),
                        new UserDisconnected(RoomName.GENERAL, nicknameOf(brief)));
    }

    @Test
    void givenMoreArrivalsInOneWindowThanItHolds_theyGoOutAtOnceInOneRun() {
        RecordingConnection watcher = aloneInGeneral();
        RecordingConnection opener = connected();

        List<RecordingConnection> crowd = connect(RoomHub.MAX_HELD + 1);

        assertThat(toldOf(watcher)).hasSize(RoomHub.MAX_HELD + 2);
        assertThat(watcher.runsOf(UserConnected.class)).extracting(List::size).containsExactly(1, RoomHub.MAX_HELD + 1);
        assertThat(toldOf(watcher).subList(1, RoomHub.MAX_HELD + 2))
                .containsExactlyElementsOf(
                        crowd.stream().map(PresenceBurstTest::nicknameOf).toList());
    }

    @Test
    void givenWithoutAWindow_everyArrivalGoesOutAtOnce() {
        chat = chatWith(ChatLimits.DEFAULTS.withPresenceBurstWindow(Duration.ZERO), scheduler);
        RecordingConnection watcher = connected();

        List<RecordingConnection> crowd = connect(3);

        assertThat(watcher.runsOf(UserConnected.class))
                .hasSize(3)
                .allSatisfy(run -> assertThat(run).hasSize(1));
        assertThat(toldOf(watcher))
                .containsExactlyElementsOf(
                        crowd.stream().map(PresenceBurstTest::nicknameOf).toList());
    }

    @Test
    void givenATimerThatRefuses_arrivalsGoOutAtOnceInsteadOfWaitingForAWindowThatWouldNeverEnd() {
        chat = chatWith(ChatLimits.DEFAULTS, (delay, task) -> {
            throw new RejectedExecutionException("shutting down");
        });
        RecordingConnection watcher = connected();

        List<RecordingConnection> crowd = connect(3);

        assertThat(toldOf(watcher))
                .containsExactlyElementsOf(
                        crowd.stream().map(PresenceBurstTest::nicknameOf).toList());
    }

    @Test
    void givenARoomThatGrowsPastTheLimitWhileArrivalsAreHeld_theyGoOutBeforeItsFirstPresenceFrame() {
        // A window longer than the presence interval, so that the big room's frame comes due while arrivals wait.
        Duration interval = Duration.ofSeconds(1);
        chat = chatWith(
                new ChatLimits(4_000, 100, Duration.ofSeconds(10), 50, 3, interval)
                        .withPresenceBurstWindow(interval.multipliedBy(2)),
                scheduler);
        RecordingConnection watcher = aloneInGeneral();
        chat.connect(new RecordingConnection());
        RecordingConnection held = connected();
        chat.connect(new RecordingConnection()); // the fourth member: the room is past the limit of 3

        scheduler.advance(interval);

        List<ServerEvent> presence = watcher.received().stream()
                .filter(event -> event instanceof UserConnected || event instanceof PresenceChange)
                .toList();
        assertThat(presence).hasSize(3);
        assertThat(presence.get(1)).isEqualTo(new UserConnected(RoomName.GENERAL, nicknameOf(held)));
        assertThat(presence.get(2)).isInstanceOf(PresenceChange.class);
    }

    @Test
    void givenConcurrentArrivalsWithARealTimer_everyMemberIsToldOfEveryoneElseExactlyOnce() throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            chat = chatWith(ChatLimits.DEFAULTS, (delay, task) -> {
                var scheduled = timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
                return () -> scheduled.cancel(false);
            });
            List<RecordingConnection> members = new ArrayList<>();
            for (int i = 0; i < ChatLimits.DEFAULT_MEMBER_LIST_LIMIT; i++) {
                members.add(new RecordingConnection());
            }

            pool.invokeAll(members.stream()
                    .map(connection -> (Callable<SessionToken>) () -> chat.connect(connection))
                    .toList());

            Set<Nickname> everyone = new HashSet<>(
                    members.stream().map(PresenceBurstTest::nicknameOf).toList());
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                for (RecordingConnection member : members) {
                    List<Nickname> toldOf = toldOf(member);
                    assertThat(toldOf).doesNotHaveDuplicates();
                    Set<Nickname> known = new HashSet<>(toldOf);
                    known.addAll(member.received(ActiveUsers.class).get(0).users());
                    assertThat(known).isEqualTo(everyone);
                }
            });
        } finally {
            pool.shutdownNow();
            timer.shutdownNow();
        }
    }

    /** A member alone in general, its own arrival's window over. */
    private RecordingConnection aloneInGeneral() {
        RecordingConnection watcher = connected();
        scheduler.advance(WINDOW);
        return watcher;
    }

    private List<RecordingConnection> connect(int count) {
        List<RecordingConnection> connected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            connected.add(connected());
        }
        return connected;
    }

    private RecordingConnection connected() {
        RecordingConnection connection = new RecordingConnection();
        chat.connect(connection);
        return connection;
    }

    private static List<Nickname> toldOf(RecordingConnection member) {
        return member.received(UserConnected.class).stream()
                .map(UserConnected::user)
                .toList();
    }

    private static Nickname nicknameOf(RecordingConnection connection) {
        return connection.received(Welcome.class).get(0).user();
    }

    private static ChatService chatWith(ChatLimits limits, Scheduler timer) {
        InMemoryEventBus bus = new InMemoryEventBus();
        return new ChatService(
                new ChatService.Ports(
                        new InMemorySessionStore(),
                        new InMemoryPresenceStore(),
                        new InMemoryMessageHistory(bus, 100),
                        bus,
                        new SeedNicknameGenerator(new Random(11)),
                        new CountingEncoder(),
                        Clock.systemUTC(),
                        timer),
                limits);
    }
}
