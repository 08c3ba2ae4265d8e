package dev.chat.domain.service;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoomCatchUpTest {
    private static final RoomName ROOM = RoomName.of("catchup");
    private static final Nickname ME = new Nickname("Me");

    private final InMemoryMessageHistory history = new InMemoryMessageHistory(new InMemoryEventBus(), 10);
    private final InMemoryPresenceStore presence = new InMemoryPresenceStore();
    private final RoomCatchUp catchUp = new RoomCatchUp(history, presence, new CountingEncoder(), 3);

    @Test
    void givenAJoiner_itGetsTheLastFewMessagesThenTheMembers_atTheLastOnesSeq() {
        post(5);

        RoomCatchUp.Events events = catchUp.forJoiner(
                ROOM,
                presence.addAndReadFirst(ROOM, ME, SessionToken.generate(), catchUp.snapshotReads())
                        .first());

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

        RoomCatchUp.Events events = catchUp.forResume(
                ROOM, Cursor.parse("catchup:" + at.epoch() + ":4").orElseThrow());

        assertThat(messageSeqs(events)).containsExactly(5L, 6L);
        assertThat(events.coveredThroughSeq()).isEqualTo(6);
    }

    @Test
    void givenAResumeFromATrimmedSeq_itIsToldNotRecovered_andNothingIsHalfReplayed() {
        post(15); // only the last 10 are kept
        String epoch = history.position(ROOM).epoch();

        RoomCatchUp.Events events =
                catchUp.forResume(ROOM, Cursor.parse("catchup:" + epoch + ":2").orElseThrow());

        assertThat(messageSeqs(events)).isEmpty();
        assertThat(events(events).get(0)).isEqualTo(new NotRecovered(ROOM, NotRecovered.Reason.HISTORY_TRIMMED));
        assertThat(events.coveredThroughSeq()).isEqualTo(15);
    }

    @Test
    void givenAResumeFromAnotherEpochOrWithoutACursor_itIsToldWhy() {
        post(1);

        assertThat(events(catchUp.forResume(
                                ROOM, Cursor.parse("catchup:other:1").orElseThrow()))
                        .get(0))
                .isEqualTo(new NotRecovered(ROOM, NotRecovered.Reason.EPOCH_CHANGED));
        assertThat(events(catchUp.forResume(ROOM, Cursor.EMPTY)).get(0))
                .isEqualTo(new NotRecovered(ROOM, NotRecovered.Reason.NO_CURSOR));
    }

    private void post(int count) {
        for (int i = 0; i < count; i++) {
            history.append(new MessageDraft(ROOM, "id" + i, new Nickname("Other"), "text", Instant.EPOCH, null));
        }
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
}
