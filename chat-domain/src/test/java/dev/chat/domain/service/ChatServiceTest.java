package dev.chat.domain.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.chat.domain.memory.InMemoryEventBus;
import dev.chat.domain.memory.InMemoryMessageHistory;
import dev.chat.domain.memory.InMemoryPresenceStore;
import dev.chat.domain.memory.InMemorySessionStore;
import dev.chat.domain.model.Ack;
import dev.chat.domain.model.ActiveUsers;
import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ChatLimits;
import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.Cursor;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.HistoryLost;
import dev.chat.domain.model.JoinRoom;
import dev.chat.domain.model.LeaveRoom;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.NotRecovered;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.RoomPosition;
import dev.chat.domain.model.SendMessage;
import dev.chat.domain.model.ServerEvent;
import dev.chat.domain.model.SessionElsewhereException;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.model.UserConnected;
import dev.chat.domain.model.UserDisconnected;
import dev.chat.domain.model.Welcome;
import dev.chat.domain.nickname.SeedNicknameGenerator;
import dev.chat.domain.port.out.NicknameGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class ChatServiceTest {
    /**
     * Arrivals and departures go out at once (no burst window), so what a member heard is complete when a call
     * returns and "nobody was told" cannot pass on an event still held; PresenceBurstTest covers the window.
     */
    private static final ChatLimits EACH_AT_ONCE = ChatLimits.DEFAULTS.withPresenceBurstWindow(Duration.ZERO);

    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00.123456Z");
    private static final RoomName DEV = RoomName.of("dev");

    private static final int HISTORY_SIZE = 100;
    private static final Duration GRACE = ChatLimits.DEFAULTS.reconnectGrace();

    private final CountingEncoder encoder = new CountingEncoder();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final InMemorySessionStore sessions = new InMemorySessionStore();
    private ChatService chat = chatWith(new SeedNicknameGenerator(new Random(7)), EACH_AT_ONCE);

    @Test
    void givenNewConnection_itGetsWelcomeThenActiveUsers_andOthersAreToldItConnected() {
        RecordingConnection first = new RecordingConnection();
        SessionToken firstToken = chat.connect(first);
        RecordingConnection second = new RecordingConnection();

        SessionToken secondToken = chat.connect(second);

        Nickname firstName = nicknameOf(first);
        Nickname secondName = nicknameOf(second);
        assertThat(second.received()).hasSize(2);
        assertThat(second.received().get(0))
                .isEqualTo(new Welcome(secondName, secondToken, List.of(RoomName.GENERAL), false));
        ActiveUsers snapshot = (ActiveUsers) second.received().get(1);
        assertThat(snapshot.users()).isEqualTo(sorted(firstName, secondName));
        assertThat(snapshot.position().seq()).isZero();
        assertThat(first.received()).endsWith(new UserConnected(RoomName.GENERAL, secondName));
        assertThat(firstToken).isNotEqualTo(secondToken);
        assertThat(firstToken.value()).hasSizeGreaterThanOrEqualTo(16);
    }

    @Test
    void givenNewConnection_itsWelcomeAndCatchUpAreSentWhileItsWritesAreHeld_soTheyLeaveTogether() {
        RecordingConnection connection = new RecordingConnection();

        chat.connect(connection);

        assertThat(connection.writes()).containsExactly("hold", "Welcome", "ActiveUsers", "release");
    }

    @Test
    void givenAConnectThatFails_theConnectionsWritesAreReleasedAnyway() {
        RecordingConnection connection = RecordingConnection.failingSends();

        assertThatThrownBy(() -> chat.connect(connection)).isInstanceOf(IllegalStateException.class);

        assertThat(connection.writes()).containsExactly("hold", "release");
    }

    @Test
    void givenManyArrivals_eachMemberIsToldOfEveryLaterArrivalExactlyOnce() {
        List<RecordingConnection> members = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            RecordingConnection connection = new RecordingConnection();
            chat.connect(connection);
            members.add(connection);
        }

        for (int i = 0; i < members.size(); i++) {
            List<Nickname> later = members.subList(i + 1, members.size()).stream()
                    .map(ChatServiceTest::nicknameOf)
                    .toList();
            assertThat(members.get(i).received(UserConnected.class))
                    .extracting(UserConnected::user)
                    .containsExactlyElementsOf(later);
        }
    }

    @Test
    void givenConcurrentArrivals_nobodyIsToldOfAnArrivalTwice_andEveryoneEndsUpKnowingEveryone() throws Exception {
        int count = 200;
        List<RecordingConnection> members = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            members.add(new RecordingConnection());
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            pool.invokeAll(members.stream()
                    .map(connection -> (Callable<SessionToken>) () -> chat.connect(connection))
                    .toList());
        } finally {
            pool.shutdown();
        }

        Set<Nickname> everyone =
                new HashSet<>(members.stream().map(ChatServiceTest::nicknameOf).toList());
        for (RecordingConnection member : members) {
            List<Nickname> toldOf = member.received(UserConnected.class).stream()
                    .map(UserConnected::user)
                    .toList();
            assertThat(toldOf).doesNotHaveDuplicates();
            Set<Nickname> known = new HashSet<>(toldOf);
            known.addAll(member.received(ActiveUsers.class).get(0).users());
            assertThat(known).isEqualTo(everyone);
        }
    }

    @Test
    void givenMessage_everyMemberIncludingTheSenderReceivesIt_withContiguousSeqAndUtcMillisTime() {
        RecordingConnection alice = new RecordingConnection();
        RecordingConnection bob = new RecordingConnection();
        SessionToken aliceToken = chat.connect(alice);
        chat.connect(bob);

        Ack first = chat.handle(aliceToken, new SendMessage(RoomName.GENERAL, "hi <b>there</b>", "r1"));
        Ack second = chat.handle(aliceToken, new SendMessage(RoomName.GENERAL, "again", null));

        assertThat(first).isEqualTo(new Ack("r1", RoomName.GENERAL, 1));
        assertThat(second).isEqualTo(new Ack(null, RoomName.GENERAL, 2));
        for (RecordingConnection member : List.of(alice, bob)) {
            List<ChatMessage> messages = member.received(ChatMessage.class);
            assertThat(messages).extracting(ChatMessage::seq).containsExactly(1L, 2L);
            assertThat(messages).extracting(ChatMessage::text).containsExactly("hi <b>there</b>", "again");
            assertThat(messages.get(0).user()).isEqualTo(nicknameOf(alice));
            assertThat(messages.get(0).time()).isEqualTo(Instant.parse("2026-11-25T12:00:00.123Z"));
        }
        assertThat(alice.received(ChatMessage.class).get(0).id())
                .isNotEqualTo(alice.received(ChatMessage.class).get(1).id());
    }

    @Test
    void givenBroadcastToManyMembers_theEventIsEncodedOnce() {
        List<RecordingConnection> members =
                List.of(new RecordingConnection(), new RecordingConnection(), new RecordingConnection());
        SessionToken sender = members.stream().map(chat::connect).toList().get(0);

        chat.handle(sender, new SendMessage(RoomName.GENERAL, "hello", null));

        ChatMessage delivered = members.get(0).received(ChatMessage.class).get(0);
        assertThat(members)
                .allSatisfy(m -> assertThat(m.received(ChatMessage.class)).containsExactly(delivered));
        assertThat(encoder.timesEncoded(delivered)).isEqualTo(1);
    }

    @Test
    void givenTwoRooms_messagesGoOnlyToTheRoomsMembers() {
        RecordingConnection alice = new RecordingConnection();
        RecordingConnection bob = new RecordingConnection();
        SessionToken aliceToken = chat.connect(alice);
        SessionToken bobToken = chat.connect(bob);
        chat.handle(aliceToken, new JoinRoom(DEV, null));

        chat.handle(aliceToken, new SendMessage(DEV, "dev only", null));

        assertThat(alice.received(ChatMessage.class))
                .extracting(ChatMessage::room)
                .containsExactly(DEV);
        assertThat(bob.received(ChatMessage.class)).isEmpty();
        assertThatThrownBy(() -> chat.handle(bobToken, new SendMessage(DEV, "let me in", "r9")))
                .isInstanceOf(ChatException.class)
                .extracting(e -> ((ChatException) e).code())
                .isEqualTo(ErrorCode.NOT_IN_ROOM);
    }

    @Test
    void givenJoin_theJoinerGetsActiveUsers_andMembersAreToldButTheJoinerIsNot() {
        RecordingConnection alice = new RecordingConnection();
        RecordingConnection bob = new RecordingConnection();
        SessionToken aliceToken = chat.connect(alice);
        SessionToken bobToken = chat.connect(bob);
        chat.handle(aliceToken, new JoinRoom(DEV, null));
        Nickname aliceName = nicknameOf(alice);
        Nickname bobName = nicknameOf(bob);
        alice.clear();

        Ack ack = chat.handle(bobToken, new JoinRoom(DEV, "j1"));

        assertThat(ack).isEqualTo(new Ack("j1", DEV, 0));
        assertThat(alice.received()).containsExactly(new UserConnected(DEV, bobName));
        assertThat(bob.received(ActiveUsers.class))
                .last()
                .extracting(ActiveUsers::room, ActiveUsers::users)
                .containsExactly(DEV, sorted(aliceName, bobName));
        assertThat(bob.received(UserConnected.class)).noneMatch(e -> e.user().equals(bobName));
    }

    @Test
    void givenJoinOfARoomYouAreIn_theMemberListIsSentAgainAndNobodyIsTold() {
        RecordingConnection alice = new RecordingConnection();
        RecordingConnection bob = new RecordingConnection();
        SessionToken aliceToken = chat.connect(alice);
        chat.connect(bob);
        bob.clear();
        alice.clear();

        chat.handle(aliceToken, new JoinRoom(RoomName.GENERAL, null));

        assertThat(alice.received(ActiveUsers.class)).hasSize(1);
        assertThat(bob.received()).isEmpty();
    }

    @Test
    void givenLeave_membersAreTold_andTheLeaverNoLongerReceivesTheRoom() {
        RecordingConnection alice = new RecordingConnection();
        RecordingConnection bob = new RecordingConnection();
        SessionToken aliceToken = chat.connect(alice);
        SessionToken bobToken = chat.connect(bob);

        Ack ack = chat.handle(bobToken, new LeaveRoom(RoomName.GENERAL, "l1"));
        chat.handle(aliceToken, new SendMessage(RoomName.GENERAL, "anyone?", null));

        assertThat(ack.ref()).isEqualTo("l1");
        assertThat(alice.received()).contains(new UserDisconnected(RoomName.GENERAL, nicknameOf(bob)));
        assertThat(bob.received(ChatMessage.class)).isEmpty();
        assertThat(bob.received(UserDisconnected.class)).isEmpty();
    }

    @Test
    void givenLeaveOfARoomYouAreNotIn_itIsRefused() {
        SessionToken token = chat.connect(new RecordingConnection());

        assertRefused(() -> chat.handle(token, new LeaveRoom(DEV, null)), ErrorCode.NOT_IN_ROOM);
    }

    @Test
    void givenEmptyOrWhitespaceText_itIsRefusedAndNothingIsBroadcast() {
        RecordingConnection alice = new RecordingConnection();
        SessionToken token = chat.connect(alice);

        assertRefused(() -> chat.handle(token, new SendMessage(RoomName.GENERAL, "", null)), ErrorCode.EMPTY_TEXT);
        assertRefused(
                () -> chat.handle(token, new SendMessage(RoomName.GENERAL, " \t\n ", null)), ErrorCode.EMPTY_TEXT);
        assertThat(alice.received(ChatMessage.class)).isEmpty();
    }

    @Test
    void givenTextOverTheLimit_itIsRefused_countingCodePointsNotChars() {
        chat = chatWith(new SeedNicknameGenerator(new Random(1)), new ChatLimits(5, 10, GRACE, 50));
        SessionToken token = chat.connect(new RecordingConnection());
        String fiveEmoji = "😀😀😀😀😀"; // 10 UTF-16 chars, 5 code points

        assertThat(chat.handle(token, new SendMessage(RoomName.GENERAL, fiveEmoji, null))
                        .seq())
                .isEqualTo(1);
        assertRefused(
                () -> chat.handle(token, new SendMessage(RoomName.GENERAL, "123456", null)), ErrorCode.TEXT_TOO_LONG);
    }

    @Test
    void givenRoomLimitReached_joiningAnotherRoomIsRefused() {
        chat = chatWith(new SeedNicknameGenerator(new Random(1)), new ChatLimits(100, 2, GRACE, 50));
        SessionToken token = chat.connect(new RecordingConnection());
        chat.handle(token, new JoinRoom(DEV, null));

        assertRefused(() -> chat.handle(token, new JoinRoom(RoomName.of("third"), null)), ErrorCode.TOO_MANY_ROOMS);
    }

    @Test
    void givenDisconnect_everyRoomOfTheUserIsTold_andItsNicknameIsFreed() {
        RecordingConnection alice = new RecordingConnection();
        RecordingConnection bob = new RecordingConnection();
        SessionToken aliceToken = chat.connect(alice);
        SessionToken bobToken = chat.connect(bob);
        chat.handle(aliceToken, new JoinRoom(DEV, null));
        chat.handle(bobToken, new JoinRoom(DEV, null));
        Nickname bobName = nicknameOf(bob);

        chat.disconnect(bobToken, bob);
        chat.disconnect(bobToken, bob); // a second disconnect is harmless
        scheduler.advance(GRACE);

        assertThat(alice.received(UserDisconnected.class))
                .containsExactlyInAnyOrder(
                        new UserDisconnected(RoomName.GENERAL, bobName), new UserDisconnected(DEV, bobName));
        assertThat(sessions.isNicknameTaken(bobName)).isFalse();
        assertThat(chat.localSessionCount()).isEqualTo(1);
        assertRefused(
                () -> chat.handle(bobToken, new SendMessage(RoomName.GENERAL, "ghost", null)), ErrorCode.UNAUTHORIZED);
    }

    @Test
    void givenGeneratorKeepsProposingATakenName_aNumericSuffixMakesItUnique() {
        NicknameGenerator alwaysTheSame = () -> new Nickname("QuiteBraveDragon");
        chat = chatWith(alwaysTheSame, EACH_AT_ONCE);
        Set<Nickname> names = new HashSet<>();

        for (int i = 0; i < 50; i++) {
            RecordingConnection connection = new RecordingConnection();
            chat.connect(connection);
            names.add(nicknameOf(connection));
        }

        assertThat(names).hasSize(50).contains(new Nickname("QuiteBraveDragon"));
        assertThat(names).allMatch(name -> name.value().matches("QuiteBraveDragon\\d*"));
    }

    @Test
    void givenReconnectWithinGrace_theNicknameAndRoomsAreKept_andNobodyIsToldOfLeavingOrArriving() {
        RecordingConnection alice = new RecordingConnection();
        RecordingConnection bob = new RecordingConnection();
        chat.connect(alice);
        SessionToken bobToken = chat.connect(bob);
        chat.handle(bobToken, new JoinRoom(DEV, null));
        alice.clear();

        chat.disconnect(bobToken, bob);
        scheduler.advance(GRACE.minusMillis(1));
        RecordingConnection bobAgain = new RecordingConnection();
        chat.resume(bobToken, Cursor.EMPTY, bobAgain);
        scheduler.advance(GRACE.multipliedBy(3));

        assertThat(bobAgain.received().get(0))
                .isEqualTo(new Welcome(nicknameOf(bob), bobToken, List.of(DEV, RoomName.GENERAL), true));
        assertThat(alice.received(UserDisconnected.class)).isEmpty();
        assertThat(alice.received(UserConnected.class)).isEmpty();
        assertThat(chat.handle(bobToken, new SendMessage(DEV, "back", null)).seq())
                .isEqualTo(1);
    }

    @Test
    void givenNoReconnectWithinGrace_everyRoomIsToldTheUserLeft_andTheSessionIsGone() {
        RecordingConnection alice = new RecordingConnection();
        RecordingConnection bob = new RecordingConnection();
        chat.connect(alice);
        SessionToken bobToken = chat.connect(bob);

        chat.disconnect(bobToken, bob);
        assertThat(alice.received(UserDisconnected.class)).isEmpty();
        scheduler.advance(GRACE);

        assertThat(alice.received(UserDisconnected.class))
                .containsExactly(new UserDisconnected(RoomName.GENERAL, nicknameOf(bob)));
        assertRefused(() -> chat.resume(bobToken, Cursor.EMPTY, new RecordingConnection()), ErrorCode.UNAUTHORIZED);
        assertThat(chat.localSessionCount()).isEqualTo(1);
    }

    @Test
    void givenCursor_resumeReplaysExactlyTheMissedMessagesInOrder_thenTheSnapshot_thenLiveEvents() {
        RecordingConnection alice = new RecordingConnection();
        RecordingConnection bob = new RecordingConnection();
        SessionToken aliceToken = chat.connect(alice);
        SessionToken bobToken = chat.connect(bob);
        post(aliceToken, "one", "two");
        Cursor bobHas = cursorOf(bob);
        chat.disconnect(bobToken, bob);

        post(aliceToken, "three", "four", "five");
        RecordingConnection bobAgain = new RecordingConnection();
        chat.resume(bobToken, bobHas, bobAgain);
        post(aliceToken, "six");

        assertThat(bobHas.position(RoomName.GENERAL).orElseThrow().seq()).isEqualTo(2);
        assertThat(bobAgain.received(ChatMessage.class))
                .extracting(ChatMessage::text)
                .containsExactly("three", "four", "five", "six");
        List<ServerEvent> events = bobAgain.received();
        assertThat(events.get(0)).isInstanceOf(Welcome.class);
        assertThat(events.get(4))
                .isInstanceOfSatisfying(
                        ActiveUsers.class,
                        snapshot -> assertThat(snapshot.position().seq()).isEqualTo(5));
        assertThat(bobAgain.received(NotRecovered.class)).isEmpty();
    }

    @Test
    void givenResumeWithoutCursor_eachRoomIsDeclaredNotRecovered_andGetsASnapshot() {
        SessionToken token = chat.connect(new RecordingConnection());
        RecordingConnection again = new RecordingConnection();

        chat.resume(token, Cursor.EMPTY, again);

        assertThat(again.received(NotRecovered.class))
                .containsExactly(new NotRecovered(RoomName.GENERAL, NotRecovered.Reason.NO_CURSOR));
        assertThat(again.received(ActiveUsers.class)).hasSize(1);
    }

    @Test
    void givenCursorFromAnotherEpoch_theRoomIsDeclaredNotRecovered_andNothingIsReplayed() {
        RecordingConnection bob = new RecordingConnection();
        SessionToken token = chat.connect(bob);
        post(token, "before");
        RecordingConnection again = new RecordingConnection();

        chat.resume(token, Cursor.EMPTY.with(RoomName.GENERAL, new RoomPosition("otherEpoch", 0)), again);

        assertThat(again.received(NotRecovered.class))
                .containsExactly(new NotRecovered(RoomName.GENERAL, NotRecovered.Reason.EPOCH_CHANGED));
        assertThat(again.received(ChatMessage.class)).isEmpty();
        assertThat(again.received(ActiveUsers.class).get(0).position().seq()).isEqualTo(1);
    }

    @Test
    void givenCursorOlderThanTheKeptHistory_theRoomIsDeclaredNotRecovered_withoutAPartialReplay() {
        RecordingConnection bob = new RecordingConnection();
        SessionToken token = chat.connect(bob);
        Cursor atStart = cursorOf(bob);
        for (int i = 0; i < HISTORY_SIZE + 5; i++) {
            post(token, "m" + i);
        }
        RecordingConnection again = new RecordingConnection();

        chat.resume(token, atStart, again);

        assertThat(again.received(NotRecovered.class))
                .containsExactly(new NotRecovered(RoomName.GENERAL, NotRecovered.Reason.HISTORY_TRIMMED));
        assertThat(again.received(ChatMessage.class)).isEmpty();
        assertThat(again.received(ActiveUsers.class).get(0).position().seq()).isEqualTo(HISTORY_SIZE + 5);
    }

    @Test
    void givenResumeWhileTheOldConnectionIsOpen_itIsClosedAsReplaced_andItsLateDisconnectChangesNothing() {
        RecordingConnection alice = new RecordingConnection();
        RecordingConnection bob = new RecordingConnection();
        SessionToken aliceToken = chat.connect(alice);
        SessionToken bobToken = chat.connect(bob);
        RecordingConnection bobAgain = new RecordingConnection();

        chat.resume(bobToken, cursorOf(bob), bobAgain);
        chat.disconnect(bobToken, bob);
        scheduler.advance(GRACE.multipliedBy(2));
        post(aliceToken, "still there?");

        assertThat(bob.closes()).containsExactly(CloseReason.REPLACED);
        assertThat(alice.received(UserDisconnected.class)).isEmpty();
        assertThat(bobAgain.received(ChatMessage.class))
                .extracting(ChatMessage::text)
                .containsExactly("still there?");
        assertThat(bob.received(ChatMessage.class)).isEmpty();
    }

    @Test
    void givenKnownSession_authorizePasses_andAfterExpiryItIsRefused() {
        RecordingConnection bob = new RecordingConnection();
        SessionToken token = chat.connect(bob);

        chat.authorize(token);
        chat.disconnect(token, bob);
        chat.authorize(token); // still within the grace period
        scheduler.advance(GRACE);

        assertRefused(() -> chat.authorize(token), ErrorCode.UNAUTHORIZED);
        assertRefused(() -> chat.authorize(SessionToken.generate()), ErrorCode.UNAUTHORIZED);
    }

    @Test
    void givenRetriedSendWithTheSameRef_itLandsOnce_andTheRetryGetsTheSameAck() {
        RecordingConnection alice = new RecordingConnection();
        SessionToken token = chat.connect(alice);

        Ack first = chat.handle(token, new SendMessage(RoomName.GENERAL, "only once", "r1"));
        Ack retry = chat.handle(token, new SendMessage(RoomName.GENERAL, "only once", "r1"));
        Ack other = chat.handle(token, new SendMessage(RoomName.GENERAL, "another", "r2"));

        assertThat(retry).isEqualTo(first);
        assertThat(other.seq()).isEqualTo(first.seq() + 1);
        assertThat(alice.received(ChatMessage.class))
                .extracting(ChatMessage::text)
                .containsExactly("only once", "another");
    }

    @Test
    void givenRoomWithHistory_aJoinerGetsItsRecentMessagesBeforeTheSnapshot() {
        SessionToken alice = chat.connect(new RecordingConnection());
        for (int i = 1; i <= 60; i++) {
            post(alice, "m" + i);
        }
        RecordingConnection bob = new RecordingConnection();

        chat.connect(bob);

        List<ChatMessage> recent = bob.received(ChatMessage.class);
        assertThat(recent).hasSize(ChatLimits.DEFAULTS.joinHistory());
        assertThat(recent.get(0).text()).isEqualTo("m11");
        assertThat(recent.get(recent.size() - 1).text()).isEqualTo("m60");
        List<ServerEvent> events = bob.received();
        assertThat(events.get(events.size() - 1))
                .isInstanceOfSatisfying(
                        ActiveUsers.class,
                        snapshot -> assertThat(snapshot.position().seq()).isEqualTo(60));
    }

    @Test
    void givenSessionServedByAnotherNode_itCanSendThroughThisOne_intoItsRoomsOnly() {
        InMemoryEventBus bus = new InMemoryEventBus();
        InMemoryMessageHistory history = new InMemoryMessageHistory(bus, HISTORY_SIZE);
        InMemoryPresenceStore presence = new InMemoryPresenceStore();
        ChatService nodeA = new ChatService(portsSharing(bus, history, presence), EACH_AT_ONCE);
        ChatService nodeB = new ChatService(portsSharing(bus, history, presence), EACH_AT_ONCE);
        RecordingConnection alice = new RecordingConnection();
        SessionToken token = nodeA.connect(alice);

        nodeB.authorize(token);
        Ack ack = nodeB.handle(token, new SendMessage(RoomName.GENERAL, "via node B", "b1"));

        assertThat(ack.seq()).isEqualTo(1);
        assertThat(alice.received(ChatMessage.class))
                .extracting(ChatMessage::text, ChatMessage::user)
                .containsExactly(tuple("via node B", nicknameOf(alice)));
        assertRefused(() -> nodeB.handle(token, new SendMessage(DEV, "not a member", null)), ErrorCode.NOT_IN_ROOM);
        assertRefused(() -> nodeB.authorize(SessionToken.generate()), ErrorCode.UNAUTHORIZED);
    }

    @Test
    void givenSessionResumedOnAnotherNode_itKeepsNameAndRooms_getsWhatItMissed_andNobodyIsToldItLeftOrCameBack() {
        TwoNodes nodes = new TwoNodes();
        RecordingConnection alice = new RecordingConnection();
        RecordingConnection bob = new RecordingConnection();
        nodes.a.connect(alice);
        SessionToken bobToken = nodes.a.connect(bob);
        nodes.a.handle(bobToken, new JoinRoom(DEV, null));
        Cursor bobRead = cursorOf(bob);
        alice.clear();

        nodes.a.disconnect(bobToken, bob); // bob's node lost his connection; he comes back through node B
        nodes.a.handle(nodes.a.connect(new RecordingConnection()), new SendMessage(RoomName.GENERAL, "missed", null));
        RecordingConnection bobOnB = new RecordingConnection();
        nodes.b.resume(bobToken, bobRead, bobOnB);
        scheduler.advance(GRACE.multipliedBy(3)); // node A's grace timer for bob runs out
        nodes.b.handle(bobToken, new SendMessage(DEV, "back on B", null));

        assertThat(bobOnB.received().get(0))
                .isEqualTo(new Welcome(nicknameOf(bob), bobToken, List.of(DEV, RoomName.GENERAL), true));
        assertThat(bobOnB.received(ChatMessage.class))
                .extracting(ChatMessage::text)
                .containsExactly("missed", "back on B");
        assertThat(alice.received(UserDisconnected.class)).isEmpty();
        assertThat(alice.received(UserConnected.class)).hasSize(1); // only the other newcomer
        assertThat(nodes.a.localSessionCount()).isEqualTo(2);
        assertThat(nodes.b.localSessionCount()).isEqualTo(1);
    }

    @Test
    void givenAMemberWhoseNodeDiedWasAlreadySweptAsGone_itsResumeElsewhereIsAnnouncedAsAnArrival() {
        TwoNodes nodes = new TwoNodes();
        RecordingConnection alice = new RecordingConnection();
        RecordingConnection bob = new RecordingConnection();
        nodes.a.connect(alice);
        SessionToken bobToken = nodes.a.connect(bob);
        nodes.presence.remove(RoomName.GENERAL, nicknameOf(bob), bobToken); // node A died; its lease lapsed: swept
        nodes.bus.publish(new UserDisconnected(RoomName.GENERAL, nicknameOf(bob)));
        alice.clear();

        RecordingConnection bobOnB = new RecordingConnection();
        nodes.b.resume(bobToken, cursorOf(bob), bobOnB);

        assertThat(alice.received(UserConnected.class))
                .containsExactly(new UserConnected(RoomName.GENERAL, nicknameOf(bob)));
        assertThat(nodes.presence.members(RoomName.GENERAL)).contains(nicknameOf(bob));
        assertThat(bobOnB.received(ActiveUsers.class).get(0).users()).contains(nicknameOf(bob));
    }

    @Test
    void givenResumeOnAnotherNodeWhileTheOldConnectionIsOpen_theOldOneIsClosedAsReplaced_andGetsNothingMore() {
        TwoNodes nodes = new TwoNodes();
        RecordingConnection alice = new RecordingConnection();
        RecordingConnection bob = new RecordingConnection();
        SessionToken aliceToken = nodes.a.connect(alice);
        SessionToken bobToken = nodes.a.connect(bob);
        RecordingConnection bobOnB = new RecordingConnection();

        nodes.b.resume(bobToken, cursorOf(bob), bobOnB);
        nodes.a.disconnect(bobToken, bob); // the replaced connection's end, reported late
        scheduler.advance(GRACE.multipliedBy(2));
        nodes.a.handle(aliceToken, new SendMessage(RoomName.GENERAL, "still there?", null));

        assertThat(bob.closes()).containsExactly(CloseReason.REPLACED);
        assertThat(bob.received(ChatMessage.class)).isEmpty();
        assertThat(bobOnB.received(ChatMessage.class))
                .extracting(ChatMessage::text)
                .containsExactly("still there?");
        assertThat(alice.received(UserDisconnected.class)).isEmpty();
    }

    @Test
    void givenSessionResumedOnAnotherNodeThatThenLosesIt_theDepartureIsAnnouncedOnce() {
        TwoNodes nodes = new TwoNodes();
        RecordingConnection alice = new RecordingConnection();
        RecordingConnection bob = new RecordingConnection();
        nodes.a.connect(alice);
        SessionToken bobToken = nodes.a.connect(bob);
        RecordingConnection bobOnB = new RecordingConnection();
        nodes.b.resume(bobToken, cursorOf(bob), bobOnB);

        nodes.b.disconnect(bobToken, bobOnB);
        scheduler.advance(GRACE.multipliedBy(2));

        assertThat(alice.received(UserDisconnected.class))
                .containsExactly(new UserDisconnected(RoomName.GENERAL, nicknameOf(bob)));
        assertRefused(() -> nodes.a.resume(bobToken, Cursor.EMPTY, new RecordingConnection()), ErrorCode.UNAUTHORIZED);
    }

    @Test
    void givenSessionServedByAnotherNode_joiningOrLeavingThroughThisOneIsRefusedAsServedElsewhere() {
        TwoNodes nodes = new TwoNodes();
        SessionToken token = nodes.a.connect(new RecordingConnection());

        assertThatThrownBy(() -> nodes.b.handle(token, new JoinRoom(DEV, "j1")))
                .isInstanceOf(SessionElsewhereException.class);
        assertThatThrownBy(() -> nodes.b.handle(token, new LeaveRoom(RoomName.GENERAL, "l1")))
                .isInstanceOf(SessionElsewhereException.class);
        assertRefused(() -> nodes.b.handle(SessionToken.generate(), new JoinRoom(DEV, null)), ErrorCode.UNAUTHORIZED);
    }

    @Test
    void givenTheSessionStoreIsDownWhenTheGraceEnds_theExpiryIsRetried_andTheDepartureAnnouncedOnceItIsBack() {
        TwoNodes nodes = new TwoNodes();
        RecordingConnection alice = new RecordingConnection();
        RecordingConnection bob = new RecordingConnection();
        nodes.a.connect(alice);
        SessionToken bobToken = nodes.a.connect(bob);
        nodes.a.disconnect(bobToken, bob);

        nodes.sessions.setDown(true);
        scheduler.advance(GRACE.multipliedBy(2));
        assertThat(alice.received(UserDisconnected.class)).isEmpty();
        nodes.sessions.setDown(false);
        scheduler.advance(Duration.ofSeconds(2));

        assertThat(alice.received(UserDisconnected.class))
                .containsExactly(new UserDisconnected(RoomName.GENERAL, nicknameOf(bob)));
        assertThat(nodes.a.localSessionCount()).isEqualTo(1);
    }

    @Test
    void givenTheBusReportsARoomsHistoryLost_membersAreToldNotRecovered_withAFreshSnapshotFromSeq0() {
        TwoNodes nodes = new TwoNodes();
        RecordingConnection alice = new RecordingConnection();
        SessionToken token = nodes.a.connect(alice);
        nodes.a.handle(token, new SendMessage(RoomName.GENERAL, "before", null));

        nodes.bus.publish(new HistoryLost(RoomName.GENERAL)); // what a Redis bus reports after Redis lost its data

        List<ServerEvent> afterMessage = alice.received()
                .subList(
                        alice.received()
                                        .indexOf(alice.received(ChatMessage.class)
                                                .get(0))
                                + 1,
                        alice.received().size());
        assertThat(afterMessage)
                .containsExactly(
                        new NotRecovered(RoomName.GENERAL, NotRecovered.Reason.EPOCH_CHANGED),
                        new ActiveUsers(
                                RoomName.GENERAL,
                                List.of(nicknameOf(alice)),
                                new RoomPosition(
                                        nodes.history.position(RoomName.GENERAL).epoch(), 0)));
    }

    @Test
    void givenAClientThatSaysGoodbye_itsRoomsHearAtOnce_andItsNicknameIsFree() {
        RecordingConnection bystander = new RecordingConnection();
        chat.connect(bystander);
        RecordingConnection leaving = new RecordingConnection();
        SessionToken token = chat.connect(leaving);

        chat.quit(token, leaving);

        assertThat(bystander.received(UserDisconnected.class))
                .containsExactly(new UserDisconnected(RoomName.GENERAL, nicknameOf(leaving)));
        assertThat(chat.localSessionTokens()).doesNotContain(token);
        assertRefused(() -> chat.resume(token, Cursor.EMPTY, new RecordingConnection()), ErrorCode.UNAUTHORIZED);
        assertThat(leaving.closes()).isEmpty(); // it closed itself
    }

    @Test
    void givenAGoodbyeFromAReplacedConnection_theSessionLivesOn() {
        RecordingConnection bystander = new RecordingConnection();
        chat.connect(bystander);
        RecordingConnection first = new RecordingConnection();
        SessionToken token = chat.connect(first);
        RecordingConnection second = new RecordingConnection();
        chat.resume(token, Cursor.EMPTY, second);

        chat.quit(token, first);
        scheduler.advance(GRACE.plusSeconds(1));

        assertThat(bystander.received(UserDisconnected.class)).isEmpty();
        assertThat(chat.localSessionTokens()).contains(token);
    }

    @Test
    void givenAnEndedSession_itsConnectionIsClosedAsEnded_andItsRoomsHearAtOnce() {
        RecordingConnection bystander = new RecordingConnection();
        chat.connect(bystander);
        RecordingConnection leaving = new RecordingConnection();
        SessionToken token = chat.connect(leaving);

        chat.end(token, CloseReason.ENDED);

        assertThat(leaving.closes()).containsExactly(CloseReason.ENDED);
        assertThat(bystander.received(UserDisconnected.class)).hasSize(1);
        assertRefused(() -> chat.end(token, CloseReason.ENDED), ErrorCode.UNAUTHORIZED);
        assertRefused(() -> chat.end(SessionToken.generate(), CloseReason.ENDED), ErrorCode.UNAUTHORIZED);
    }

    @Test
    void givenASessionWithinItsGrace_endingItTellsItsRoomsAtOnce() {
        RecordingConnection bystander = new RecordingConnection();
        chat.connect(bystander);
        RecordingConnection dropped = new RecordingConnection();
        SessionToken token = chat.connect(dropped);
        chat.disconnect(token, dropped);

        chat.end(token, CloseReason.ENDED);

        assertThat(bystander.received(UserDisconnected.class)).hasSize(1);
        scheduler.advance(GRACE.plusSeconds(1));
        assertThat(bystander.received(UserDisconnected.class)).hasSize(1);
    }

    @Test
    void givenASessionAnotherNodeServes_endingItHereSaysWhere() {
        TwoNodes nodes = new TwoNodes();
        SessionToken token = nodes.a.connect(new RecordingConnection());

        assertThatThrownBy(() -> nodes.b.end(token, CloseReason.ENDED)).isInstanceOf(SessionElsewhereException.class);
    }

    /** Two nodes on shared in-memory stores, with session ownership as the Redis store keeps it. */
    private final class TwoNodes {
        final ClusterSessions sessions = new ClusterSessions();
        final InMemoryEventBus bus = new InMemoryEventBus();
        final InMemoryMessageHistory history = new InMemoryMessageHistory(bus, HISTORY_SIZE);
        final InMemoryPresenceStore presence = new InMemoryPresenceStore();
        final ChatService a = node();
        final ChatService b = node();

        private ChatService node() {
            return new ChatService(
                    new ChatService.Ports(
                            sessions.node(),
                            presence,
                            history,
                            bus,
                            new SeedNicknameGenerator(new Random()),
                            encoder,
                            Clock.fixed(NOW, ZoneOffset.UTC),
                            scheduler),
                    EACH_AT_ONCE);
        }
    }

    private ChatService.Ports portsSharing(
            InMemoryEventBus bus, InMemoryMessageHistory history, InMemoryPresenceStore presence) {
        return new ChatService.Ports(
                sessions,
                presence,
                history,
                bus,
                new SeedNicknameGenerator(new Random(3)),
                encoder,
                Clock.fixed(NOW, ZoneOffset.UTC),
                scheduler);
    }

    private void post(SessionToken token, String... texts) {
        for (String text : texts) {
            chat.handle(token, new SendMessage(RoomName.GENERAL, text, null));
        }
    }

    /** What a client that saw these events has read of general. */
    private static Cursor cursorOf(RecordingConnection connection) {
        RoomPosition snapshot = connection.received(ActiveUsers.class).get(0).position();
        long lastSeq = connection.received(ChatMessage.class).stream()
                .mapToLong(ChatMessage::seq)
                .max()
                .orElse(snapshot.seq());
        return Cursor.EMPTY.with(RoomName.GENERAL, new RoomPosition(snapshot.epoch(), lastSeq));
    }

    @Test
    void givenADrainingNode_itHandsSessionsOffWithoutADeparture_andTakesNoneBack() {
        RecordingConnection bystander = new RecordingConnection();
        chat.connect(bystander);
        RecordingConnection moving = new RecordingConnection();
        SessionToken token = chat.connect(moving);

        chat.closeToNewSessions();
        chat.handOff(token);

        assertThat(moving.closes()).containsExactly(CloseReason.RESTART);
        assertThat(chat.localSessionTokens()).doesNotContain(token);
        scheduler.advance(GRACE.plusSeconds(5));
        assertThat(bystander.received(UserDisconnected.class)).isEmpty();
        assertRefused(() -> chat.resume(token, Cursor.EMPTY, new RecordingConnection()), ErrorCode.UNAVAILABLE);
        assertRefused(() -> chat.connect(new RecordingConnection()), ErrorCode.UNAVAILABLE);
    }

    private ChatService chatWith(NicknameGenerator nicknames, ChatLimits limits) {
        InMemoryEventBus bus = new InMemoryEventBus();
        ChatService.Ports ports = new ChatService.Ports(
                sessions,
                new InMemoryPresenceStore(),
                new InMemoryMessageHistory(bus, HISTORY_SIZE),
                bus,
                nicknames,
                encoder,
                Clock.fixed(NOW, ZoneOffset.UTC),
                scheduler);
        return new ChatService(ports, limits);
    }

    private static Nickname nicknameOf(RecordingConnection connection) {
        return connection.received(Welcome.class).get(0).user();
    }

    private static List<Nickname> sorted(Nickname... names) {
        return Arrays.stream(names).sorted().toList();
    }

    private static void assertRefused(Runnable command, ErrorCode code) {
        assertThatThrownBy(command::run)
                .isInstanceOfSatisfying(
                        ChatException.class, e -> assertThat(e.code()).isEqualTo(code));
    }
}
