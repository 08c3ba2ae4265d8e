package dev.chat.domain.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.domain.model.ActiveUsers;
import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.NotRecovered;
import dev.chat.domain.model.RoomEvent;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.RoomPosition;
import dev.chat.domain.model.UserConnected;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoomMembershipTest {
    private static final RoomName ROOM = RoomName.of("lobby");
    private static final Nickname ME = new Nickname("Me");
    private static final Nickname OTHER = new Nickname("Other");

    private final CountingEncoder encoder = new CountingEncoder();
    private final RecordingConnection connection = new RecordingConnection();
    private final RoomMembership membership = new RoomMembership(ROOM, ME, connection);

    @Test
    void givenEventsWhilePriming_theyAreHeldUntilTheSnapshotIsSent_thenFollowInOrder() {
        ChatMessage first = message(1);
        ChatMessage second = message(2);
        deliver(first);
        deliver(second);
        assertThat(connection.received()).isEmpty();

        ActiveUsers snapshot = new ActiveUsers(ROOM, List.of(ME, OTHER), new RoomPosition("e", 0));
        membership.completePriming(List.of(encoder.encode(snapshot)), 0);
        ChatMessage third = message(3);
        deliver(third);

        assertThat(connection.received()).containsExactly(snapshot, first, second, third);
    }

    @Test
    void givenHeldBackMessagesTheCatchUpCovered_theyAreNotSentTwice() {
        deliver(message(4));
        deliver(message(5));
        deliver(message(6));

        ChatMessage replayed = message(5);
        membership.completePriming(List.of(encoder.encode(message(4)), encoder.encode(replayed)), 5);

        assertThat(connection.received(ChatMessage.class))
                .extracting(ChatMessage::seq)
                .containsExactly(4L, 5L, 6L);
    }

    @Test
    void givenPresenceEventAboutYourself_itIsNotDelivered() {
        membership.completePriming(
                List.of(encoder.encode(new ActiveUsers(ROOM, List.of(ME), new RoomPosition("e", 0)))), 0);

        deliver(new UserConnected(ROOM, ME));
        deliver(new UserConnected(ROOM, OTHER));

        assertThat(connection.received(UserConnected.class)).containsExactly(new UserConnected(ROOM, OTHER));
    }

    @Test
    void givenTooManyEventsHeldWhilePriming_theConnectionIsClosedAsSlowConsumer() {
        for (int seq = 1; seq <= RoomMembership.MAX_HELD_EVENTS + 1; seq++) {
            deliver(message(seq));
        }

        assertThat(connection.closes()).containsExactly(CloseReason.SLOW_CONSUMER);
        assertThat(connection.received()).isEmpty();
    }

    @Test
    void givenMessageAtOrBelowWhatTheMemberHas_itIsNotSentAgain() {
        membership.completePriming(List.of(encoder.encode(snapshot(5))), 5);

        deliver(message(4));
        deliver(message(5));
        deliver(message(6));
        deliver(message(6)); // a bus back-filling after a reconnect

        assertThat(connection.received(ChatMessage.class))
                .extracting(ChatMessage::seq)
                .containsExactly(6L);
    }

    @Test
    void givenHistoryLost_theMemberIsToldWithAFreshSnapshot_andTheNewEpochStartsAtSeq1() {
        membership.completePriming(List.of(encoder.encode(snapshot(5))), 5);
        NotRecovered notice = new NotRecovered(ROOM, NotRecovered.Reason.EPOCH_CHANGED);
        ActiveUsers fresh = new ActiveUsers(ROOM, List.of(ME, OTHER), new RoomPosition("new", 0));

        membership.historyLost(encoder.encode(notice), encoder.encode(fresh));
        deliver(message(1));

        assertThat(connection.received()).containsExactly(snapshot(5), notice, fresh, message(1));
    }

    @Test
    void givenHistoryLostWhilePriming_theNewEpochsMessagesAreNotTakenForRepeats() {
        deliver(message(5));
        NotRecovered notice = new NotRecovered(ROOM, NotRecovered.Reason.EPOCH_CHANGED);
        ActiveUsers fresh = new ActiveUsers(ROOM, List.of(ME, OTHER), new RoomPosition("new", 0));
        membership.historyLost(encoder.encode(notice), encoder.encode(fresh));
        deliver(message(1));

        membership.completePriming(List.of(encoder.encode(snapshot(5))), 5);
        deliver(message(2));

        assertThat(connection.received()).containsExactly(snapshot(5), notice, fresh, message(1), message(2));
    }

    private static ActiveUsers snapshot(long seq) {
        return new ActiveUsers(ROOM, List.of(ME, OTHER), new RoomPosition("e", seq));
    }

    @Test
    void givenAPrimingMemberWhoseHoldOverflows_itIsClosedOnce_andLaterEventsAreDroppedWithoutFailing() {
        for (int seq = 1; seq <= RoomMembership.MAX_HELD_EVENTS + 1; seq++) {
            deliver(message(seq));
        }
        assertThat(connection.closes()).containsExactly(CloseReason.SLOW_CONSUMER);

        deliver(message(RoomMembership.MAX_HELD_EVENTS + 2)); // threw before: the held list was immutable
        membership.completePriming(List.of(encoder.encode(message(1))), 1);

        assertThat(connection.received()).isEmpty();
        assertThat(connection.closes()).hasSize(1);
    }

    @Test
    void givenRuns_theyAreHeldWhilePriming_thenPassLikeSingleEvents_withoutRepeatsOrEventsAboutYourself() {
        ChatMessage first = message(1);
        ChatMessage second = message(2);
        deliverAll(List.of(first, second));
        assertThat(connection.received()).isEmpty();

        ActiveUsers snapshot = new ActiveUsers(ROOM, List.of(ME, OTHER), new RoomPosition("e", 1));
        membership.completePriming(List.of(encoder.encode(first), encoder.encode(snapshot)), 1);
        UserConnected other = new UserConnected(ROOM, OTHER);
        ChatMessage third = message(3);
        deliverAll(List.of(new UserConnected(ROOM, ME), second, other, third));
        deliverAll(List.of(third, message(4)));

        assertThat(connection.received()).containsExactly(first, snapshot, second, other, third, message(4));
    }

    private void deliverAll(List<RoomEvent> events) {
        membership.deliverAll(events, events.stream().map(encoder::encode).toList());
    }

    private void deliver(RoomEvent event) {
        membership.deliver(event, encoder.encode(event));
    }

    private static ChatMessage message(long seq) {
        return new ChatMessage(ROOM, seq, "id" + seq, OTHER, "text " + seq, Instant.EPOCH);
    }
}
