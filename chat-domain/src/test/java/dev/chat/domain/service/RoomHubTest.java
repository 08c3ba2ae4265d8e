package dev.chat.domain.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.domain.memory.InMemoryEventBus;
import dev.chat.domain.model.ActiveUsers;
import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.model.RoomEvent;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.RoomPosition;
import dev.chat.domain.model.ServerEvent;
import dev.chat.domain.model.UserConnected;
import dev.chat.domain.port.out.EventBus;
import dev.chat.domain.port.out.Subscription;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoomHubTest {
    private static final RoomName ROOM = RoomName.of("hub");

    private final InMemoryEventBus bus = new InMemoryEventBus();
    private final CountingEncoder encoder = new CountingEncoder();
    private final RoomHub hub =
            new RoomHub(bus, encoder, room -> new ActiveUsers(room, List.of(), new RoomPosition("e", 0)));

    @Test
    void givenAMemberWhoseConnectionThrows_theMembersAfterItStillGetTheEvent() {
        RecordingConnection broken = RecordingConnection.failingSends();
        RoomMembership first = live(new RoomMembership(ROOM, new Nickname("Broken"), broken));
        RecordingConnection healthy = new RecordingConnection();
        RoomMembership second = live(new RoomMembership(ROOM, new Nickname("Healthy"), healthy));
        hub.attach(first);
        hub.attach(second);

        bus.publish(message(1));
        bus.publish(message(2));

        assertThat(healthy.received(ChatMessage.class))
                .extracting(ChatMessage::seq)
                .containsExactly(1L, 2L);
        assertThat(broken.closes()).containsExactly(CloseReason.SLOW_CONSUMER);
    }

    @Test
    void givenABusThatRefusesTheSubscription_theMemberIsNotLeftAttached_andALaterAttachSubscribes() {
        boolean[] refuse = {true};
        EventBus refusing = new EventBus() {
            @Override
            public void publish(RoomEvent event) {
                bus.publish(event);
            }

            @Override
            public Subscription subscribe(RoomName room, EventBus.Listener listener) {
                if (refuse[0]) {
                    throw new ChatException(ErrorCode.UNAVAILABLE, "down");
                }
                return bus.subscribe(room, listener);
            }
        };
        RoomHub refusingHub = new RoomHub(refusing, encoder, room -> null);
        RecordingConnection connection = new RecordingConnection();

        assertThatThrownBy(() -> refusingHub.attach(live(new RoomMembership(ROOM, new Nickname("A"), connection))))
                .isInstanceOf(ChatException.class);
        assertThat(refusingHub.roomCount()).isZero();

        refuse[0] = false;
        refusingHub.attach(live(new RoomMembership(ROOM, new Nickname("A"), connection)));
        refusing.publish(message(1));
        assertThat(connection.received(ChatMessage.class)).hasSize(1);
        assertThat(bus.listenerCount(ROOM)).isEqualTo(1);
    }

    @Test
    void givenARunOfEvents_eachMemberGetsItsShareInOneSend_inOrder_withoutEventsAboutItselfOrRepeats() {
        EventBus.Listener[] room = new EventBus.Listener[1];
        EventBus handingOverRuns = new EventBus() {
            @Override
            public void publish(RoomEvent event) {}

            @Override
            public Subscription subscribe(RoomName name, EventBus.Listener listener) {
                room[0] = listener;
                return () -> {};
            }
        };
        RoomHub runHub = new RoomHub(handingOverRuns, encoder, name -> null);
        List<List<ServerEvent>> sends = new ArrayList<>();
        RecordingConnection connection = new RecordingConnection() {
            @Override
            public void send(OutboundEvent event) {
                sends.add(List.of(event.event()));
            }

            @Override
            public void sendAll(List<OutboundEvent> events) {
                sends.add(events.stream().map(OutboundEvent::event).toList());
            }
        };
        Nickname me = new Nickname("Me");
        runHub.attach(live(new RoomMembership(ROOM, me, connection)));
        UserConnected other = new UserConnected(ROOM, new Nickname("Other"));

        room[0].acceptAll(List.of(message(1), new UserConnected(ROOM, me), other, message(1), message(2)));

        assertThat(sends).containsExactly(List.of(message(1), other, message(2)));
    }

    @Test
    void givenTheLastMemberLeaves_theSubscriptionIsClosed() {
        RoomMembership member = live(new RoomMembership(ROOM, new Nickname("A"), new RecordingConnection()));
        hub.attach(member);
        assertThat(bus.listenerCount(ROOM)).isEqualTo(1);

        hub.detach(member);

        assertThat(bus.listenerCount(ROOM)).isZero();
        assertThat(hub.roomCount()).isZero();
    }

    private static RoomMembership live(RoomMembership membership) {
        membership.completePriming(List.of(), 0);
        return membership;
    }

    private static ChatMessage message(long seq) {
        return new ChatMessage(ROOM, seq, "id" + seq, new Nickname("Other"), "text", Instant.EPOCH);
    }
}
