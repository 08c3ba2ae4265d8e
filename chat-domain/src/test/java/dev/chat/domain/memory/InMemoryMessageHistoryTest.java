package dev.chat.domain.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.domain.contract.MessageHistoryContract;
import dev.chat.domain.contract.SettableClock;
import dev.chat.domain.model.HistorySlice;
import dev.chat.domain.model.MessageDraft;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.RoomPosition;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InMemoryMessageHistoryTest extends MessageHistoryContract {
    private static final RoomName QUIET = RoomName.of("quiet");
    private static final RoomName BUSY = RoomName.of("busy");
    private static final String TEXT = "x".repeat(1_000);

    private final SettableClock clock = new SettableClock(Instant.parse("2026-11-29T12:00:00Z"));

    @Override
    protected Stores createStores(int capacity) {
        InMemoryEventBus bus = new InMemoryEventBus();
        return new Stores(bus, new InMemoryMessageHistory(bus, capacity));
    }

    @Test
    void givenMoreThanTheTotalBudget_theQuietestRoomsLoseTheirOldestMessagesFirst_andNoRoomItsNewest() {
        long budget = 40 * messageBytes();
        InMemoryMessageHistory history = new InMemoryMessageHistory(new InMemoryEventBus(), 1_000, budget, clock);
        for (int i = 0; i < 20; i++) {
            history.append(draft(QUIET));
        }
        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 100; i++) {
            history.append(draft(BUSY));
        }

        assertThat(history.totalBytes()).isLessThanOrEqualTo(budget);
        HistorySlice quiet = history.readAfter(QUIET, 0, 1_000);
        HistorySlice busy = history.readAfter(BUSY, 0, 1_000);
        assertThat(quiet.messages()).hasSize(1); // the quiet room gave up all but its newest
        assertThat(quiet.messages().get(0).seq()).isEqualTo(20);
        assertThat(busy.messages()).isNotEmpty();
        assertThat(busy.messages().get(busy.messages().size() - 1).seq()).isEqualTo(100);
        assertThat(busy.complete()).isFalse(); // a resume from seq 0 is told "not recovered"
    }

    @Test
    void givenAnIdleRoomNobodyIsIn_itIsReleased_andItsNextUseStartsANewEpoch() {
        InMemoryMessageHistory history =
                new InMemoryMessageHistory(new InMemoryEventBus(), 1_000, Long.MAX_VALUE, clock);
        history.append(draft(QUIET));
        history.append(draft(BUSY));
        RoomPosition before = history.position(QUIET);
        clock.advance(Duration.ofMinutes(10));
        history.position(BUSY); // used: stays

        int released = history.releaseIdle(Duration.ofMinutes(5), room -> false);

        assertThat(released).isEqualTo(1);
        assertThat(history.roomCount()).isEqualTo(1);
        assertThat(history.totalBytes()).isEqualTo(messageBytes());
        RoomPosition after = history.position(QUIET);
        assertThat(after.seq()).isZero();
        assertThat(after.epoch()).isNotEqualTo(before.epoch());
        assertThat(history.readAfter(QUIET, before.seq(), 10).complete()).isFalse();
    }

    @Test
    void givenAnIdleRoomSomeoneIsStillIn_itIsKept() {
        InMemoryMessageHistory history =
                new InMemoryMessageHistory(new InMemoryEventBus(), 1_000, Long.MAX_VALUE, clock);
        history.append(draft(QUIET));
        clock.advance(Duration.ofMinutes(10));

        assertThat(history.releaseIdle(Duration.ofMinutes(5), Set.of(QUIET)::contains))
                .isZero();
        assertThat(history.position(QUIET).seq()).isEqualTo(1);
    }

    private static long messageBytes() {
        return 2L * (TEXT.length() + "id".length() + "Someone".length())
                + InMemoryMessageHistory.MESSAGE_OVERHEAD_BYTES;
    }

    private static MessageDraft draft(RoomName room) {
        return new MessageDraft(room, "id", new Nickname("Someone"), TEXT, Instant.EPOCH, null);
    }
}
