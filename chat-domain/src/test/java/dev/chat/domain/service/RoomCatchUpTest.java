package dev.chat.domain.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.domain.contract.SettableClock;
import dev.chat.domain.memory.InMemoryEventBus;
import dev.chat.domain.memory.InMemoryMessageHistory;
import dev.chat.domain.memory.InMemoryPresenceStore;
import dev.chat.domain.model.ActiveUsers;
import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.Cursor;
import dev.chat.domain.model.MessageDraft;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.NotRecovered;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.RoomPosition;
import dev.chat.domain.model.ServerEvent;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.RoomEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoomCatchUpTest {
    private static final RoomName ROOM = RoomName.of("catchup");
    private static final Nickname ME = new Nickname("Me");

    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-01T00:00:00Z"));
    private final InMemoryEventBus bus = new InMemoryEventBus();
    private final InMemoryMessageHistory history = new InMemoryMessageHistory(bus, 10, Long.MAX_VALUE, clock);
    private final InMemoryPresenceStore presence = new InMemoryPresenceStore();
    private final CountingEncoder encoder = new CountingEncoder();
    private final RoomCatchUp catchUp = new RoomCatchUp(history, presence, encoder, 3);

    @Test
    void givenAJoiner_itGetsTheLastFewMessagesThenTheMembers_atTheLastOnesSeq() {
        post(5);

        RoomCatchUp.Events events = join(ROOM, ME);

        assertThat(events(events))
                .extracting(e -> e.getClass().getSimpleName())
                .containsExactly("ChatMessage", "ChatMessage", "ChatMessage", "ActiveUsers");
        assertThat(messageSeqs(events)).containsExactly(3L, 4L, 5L);
        assertThat(((ActiveUsers) events(events).get(3)).users()).containsExactly(ME);
        assertThat(events.coveredThroughSeq()).isEqualTo(5);
    }

    @Test
    void givenAResumeFromAKeptSeq_exactlyTheMissedMessagesAreReplayed() {
        post(6);
        RoomPosition at = new RoomPosition(history.position(ROOM).epoch(), 4);

        RoomCatchUp.Events events =
                resume(Cursor.parse("catchup:" + at.epoch() + ":4").orElseThrow());

        assertThat(messageSeqs(events)).containsExactly(5L, 6L);
        assertThat(events.coveredThroughSeq()).isEqualTo(6);
    }

    @Test
    void givenAResumeFromATrimmedSeq_itIsToldNotRecovered_andNothingIsHalfReplayed() {
        post(15); // only the last 10 are kept
        String epoch = history.position(ROOM).epoch();

        RoomCatchUp.Events events =
                resume(Cursor.parse("catchup:" + epoch + ":2").orElseThrow());

        assertThat(messageSeqs(events)).isEmpty();
        assertThat(events(events).get(0)).isEqualTo(new NotRecovered(ROOM, NotRecovered.Reason.HISTORY_TRIMMED));
        assertThat(events.coveredThroughSeq()).isEqualTo(15);
    }

    @Test
    void givenAResumeFromAnotherEpochOrWithoutACursor_itIsToldWhy() {
        post(1);

        assertThat(events(resume(Cursor.parse("catchup:other:1").orElseThrow())).get(0))
                .isEqualTo(new NotRecovered(ROOM, NotRecovered.Reason.EPOCH_CHANGED));
        assertThat(events(resume(Cursor.EMPTY)).get(0))
                .isEqualTo(new NotRecovered(ROOM, NotRecovered.Reason.NO_CURSOR));
    }

    @Test
    void givenACrowdJoiningAChattyRoom_eachMessageIsEncodedOnceForAllOfThem() {
        post(5);

        List<RoomCatchUp.Events> joins = List.of(join("A"), join("B"), join("C"));

        for (RoomCatchUp.Events events : joins) {
            assertThat(messageSeqs(events)).containsExactly(3L, 4L, 5L);
        }
        assertThat(messagesOf(joins.get(2)))
                .allSatisfy(m -> assertThat(encoder.timesEncoded(m)).isEqualTo(1));
    }

    @Test
    void givenMessagesBetweenTwoJoins_onlyTheNewOnesAreEncodedForTheSecond() {
        post(5);
        join("A");
        post(2);

        RoomCatchUp.Events second = join("B");

        assertThat(messageSeqs(second)).containsExactly(5L, 6L, 7L);
        assertThat(messagesOf(second))
                .allSatisfy(m -> assertThat(encoder.timesEncoded(m)).isEqualTo(1));
    }

    @Test
    void givenTheRoomsHistoryStartedOver_aJoinerGetsTheNewMessages_notTheOldOnesAtTheSameSeqs() {
        post(3, "before");
        join("A");
        clock.advance(Duration.ofMinutes(10));
        assertThat(history.releaseIdle(Duration.ofMinutes(5), room -> false)).isEqualTo(1); // seqs start again
        post(3, "after");

        RoomCatchUp.Events events = join("B");

        assertThat(messageSeqs(events)).containsExactly(1L, 2L, 3L);
        assertThat(messagesOf(events)).extracting(ChatMessage::text).containsOnly("after");
    }

    @Test
    void givenJoinsIntoManyRooms_theEncodedMessagesOfOnlyAFewAreKept() {
        for (int i = 0; i < RoomCatchUp.ENCODED_ROOMS * 3; i++) {
            RoomName room = RoomName.of("room" + i);
            history.append(new MessageDraft(room, "id", new Nickname("Other"), "text", Instant.EPOCH, null));
            join(room, ME);

            assertThat(catchUp.roomsWithEncodedMessages()).isBetween(1, RoomCatchUp.ENCODED_ROOMS);
        }
    }

    @Test
    void givenACrowdJoiningABigRoom_theyGetTheSameFirstNames_untilOneOfTheListedLeaves() {
        RoomCatchUp bigRoomCatchUp = new RoomCatchUp(history, presence, encoder, 3, 40);
        List<SessionToken> sessions = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            SessionToken session = SessionToken.generate();
            presence.add(ROOM, new Nickname(String.format("Member%02d", i)), session);
            sessions.add(session);
        }

        ActiveUsers first = snapshotOf(join(bigRoomCatchUp, "ZedFirst"));
        ActiveUsers second = snapshotOf(join(bigRoomCatchUp, "ZedSecond")); // sorts after the listed: same list
        presence.remove(ROOM, new Nickname("Member05"), sessions.get(5));
        ActiveUsers third = snapshotOf(join(bigRoomCatchUp, "ZedThird"));

        assertThat(first.users())
                .hasSize(40)
                .startsWith(new Nickname("Member00"))
                .endsWith(new Nickname("Member39"));
        assertThat(first.count()).isEqualTo(61);
        assertThat(second.users()).isEqualTo(first.users());
        assertThat(second.count()).isEqualTo(62);
        assertThat(third.users())
                .hasSize(40)
                .doesNotContain(new Nickname("Member05"))
                .endsWith(new Nickname("Member40"));
        assertThat(third.count()).isEqualTo(62);
    }

    @Test
    void givenASmallLimit_aJoinerOfARoomOverItGetsThatManyNames_andTheCount() {
        RoomCatchUp smallLimitCatchUp = new RoomCatchUp(history, presence, encoder, 3, 3);
        for (String name : List.of("Ann", "Bob", "Cid", "Dan")) {
            presence.add(ROOM, new Nickname(name), SessionToken.generate());
        }

        ActiveUsers snapshot = snapshotOf(join(smallLimitCatchUp, "Eve"));

        assertThat(snapshot.users()).containsExactly(new Nickname("Ann"), new Nickname("Bob"), new Nickname("Cid"));
        assertThat(snapshot.count()).isEqualTo(5);
        assertThat(snapshot.complete()).isFalse();
    }

    private RoomCatchUp.Events join(RoomCatchUp into, String nickname) {
        RoomEntry.Entered entered = RoomEntry.of(presence, history, bus)
                .enter(ROOM, new Nickname(nickname), SessionToken.generate(), into.snapshotReads(), into.joinHistory());
        return into.forJoiner(ROOM, entered.first(), entered.latest());
    }

    private static ActiveUsers snapshotOf(RoomCatchUp.Events events) {
        List<ServerEvent> sent = events(events);
        return (ActiveUsers) sent.get(sent.size() - 1);
    }

    private RoomCatchUp.Events join(String nickname) {
        return join(ROOM, new Nickname(nickname));
    }

    /** As a joiner's entry reads it: the add first, then the members and messages it is shown. */
    private RoomCatchUp.Events join(RoomName room, Nickname who) {
        RoomEntry.Entered entered = RoomEntry.of(presence, history, bus)
                .enter(room, who, SessionToken.generate(), catchUp.snapshotReads(), catchUp.joinHistory());
        return catchUp.forJoiner(room, entered.first(), entered.latest());
    }

    private void post(int count) {
        post(count, "text");
    }

    private void post(int count, String text) {
        for (int i = 0; i < count; i++) {
            history.append(new MessageDraft(ROOM, "id" + i, new Nickname("Other"), text, Instant.EPOCH, null));
        }
    }

    private static List<ChatMessage> messagesOf(RoomCatchUp.Events events) {
        return events(events).stream()
                .filter(ChatMessage.class::isInstance)
                .map(ChatMessage.class::cast)
                .toList();
    }

    private static List<ServerEvent> events(RoomCatchUp.Events events) {
        return events.events().stream().map(OutboundEvent::event).toList();
    }

    private static List<Long> messageSeqs(RoomCatchUp.Events events) {
        return events(events).stream()
                .filter(ChatMessage.class::isInstance)
                .map(e -> ((ChatMessage) e).seq())
                .toList();
    }

    private RoomCatchUp.Events resume(Cursor cursor) {
        return catchUp.forResume(ROOM, cursor, () -> presence.firstMembers(ROOM, catchUp.snapshotReads()));
    }
}
