package dev.chat.domain.contract;

import static dev.chat.domain.contract.ContractSupport.uniqueRoom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.HistorySlice;
import dev.chat.domain.model.MessageDraft;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomEvent;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.port.out.EventBus;
import dev.chat.domain.port.out.MessageHistory;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** What every {@link MessageHistory} must do, together with the {@link EventBus} it publishes on. */
public abstract class MessageHistoryContract {
    protected static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Nickname AUTHOR = new Nickname("ContractAuthor");

    /** A history and the bus its appends publish on. */
    public record Stores(EventBus bus, MessageHistory history) {}

    /** Fresh stores keeping the latest {@code capacity} messages per room. */
    protected abstract Stores createStores(int capacity);

    @Test
    void givenAppends_seqIsContiguousPerRoomStartingAtOne() {
        MessageHistory history = createStores(100).history();
        RoomName room = uniqueRoom();
        RoomName otherRoom = uniqueRoom();

        List<Long> seqs = IntStream.range(0, 3)
                .mapToObj(i -> history.append(draft(room, "m" + i)).seq())
                .toList();
        long otherSeq = history.append(draft(otherRoom, "other")).seq();

        assertThat(seqs).containsExactly(1L, 2L, 3L);
        assertThat(otherSeq).isEqualTo(1L);
        assertThat(history.position(room).seq()).isEqualTo(3L);
    }

    @Test
    void givenAppend_theStoredMessageKeepsTheDraftsFields() {
        MessageHistory history = createStores(100).history();
        MessageDraft draft = draft(uniqueRoom(), "hello \"quoted\" <b>markup</b> ✓");

        ChatMessage stored = history.append(draft);

        assertThat(stored).isEqualTo(draft.withSeq(1));
        assertThat(history.readAfter(draft.room(), 0, 10).messages()).containsExactly(stored);
    }

    @Test
    void givenConcurrentAppends_subscribersReceiveMessagesInSeqOrder() throws InterruptedException {
        Stores stores = createStores(1_000);
        RoomName room = uniqueRoom();
        List<Long> received = new CopyOnWriteArrayList<>();
        stores.bus().subscribe(room, event -> received.add(((ChatMessage) event).seq()));
        int writers = 4;
        int perWriter = 100;

        ExecutorService pool = Executors.newFixedThreadPool(writers);
        for (int w = 0; w < writers; w++) {
            pool.execute(() ->
                    IntStream.range(0, perWriter).forEach(i -> stores.history().append(draft(room, "x"))));
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        int total = writers * perWriter;
        await().atMost(TIMEOUT).until(() -> received.size() >= total);
        assertThat(received)
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, total).boxed().toList());
    }

    @Test
    void givenMessages_readAfterReturnsThoseAfterTheSeqInOrder() {
        MessageHistory history = createStores(100).history();
        RoomName room = uniqueRoom();
        List<ChatMessage> stored = appendMessages(history, room, 5);

        HistorySlice slice = history.readAfter(room, 2, 100);

        assertThat(slice.messages()).containsExactlyElementsOf(stored.subList(2, 5));
        assertThat(slice.complete()).isTrue();
        assertThat(slice.lastSeq()).isEqualTo(5);
        assertThat(history.readAfter(room, 0, 2).messages()).containsExactlyElementsOf(stored.subList(0, 2));
        assertThat(history.readAfter(room, 5, 100).messages()).isEmpty();
    }

    @Test
    void givenMoreMessagesThanCapacity_onlyTheLatestAreKept_andAnOlderCursorIsIncomplete() {
        MessageHistory history = createStores(3).history();
        RoomName room = uniqueRoom();
        appendMessages(history, room, 5);

        HistorySlice fromStart = history.readAfter(room, 0, 100);
        HistorySlice fromKept = history.readAfter(room, 2, 100);

        assertThat(fromStart.messages()).extracting(ChatMessage::seq).containsExactly(3L, 4L, 5L);
        assertThat(fromStart.complete()).isFalse();
        assertThat(fromKept.messages()).extracting(ChatMessage::seq).containsExactly(3L, 4L, 5L);
        assertThat(fromKept.complete()).isTrue();
    }

    @Test
    void givenUnknownRoom_readAfterIsEmptyAndComplete_andTheEpochIsStable() {
        MessageHistory history = createStores(10).history();
        RoomName room = uniqueRoom();

        HistorySlice empty = history.readAfter(room, 0, 10);
        history.append(draft(room, "first"));
        HistorySlice later = history.readAfter(room, 0, 10);

        assertThat(empty.messages()).isEmpty();
        assertThat(empty.complete()).isTrue();
        assertThat(empty.lastSeq()).isZero();
        assertThat(history.position(uniqueRoom()).seq()).isZero();
        assertThat(history.position(room).epoch()).isEqualTo(later.epoch());
        assertThat(later.epoch()).isEqualTo(empty.epoch()).isNotBlank();
    }

    @Test
    void givenMessages_latestReturnsTheLastOnesUpToThePosition_oldestFirst() {
        MessageHistory history = createStores(100).history();
        RoomName room = uniqueRoom();
        List<ChatMessage> stored = appendMessages(history, room, 5);

        HistorySlice latest = history.latest(room, 3);

        assertThat(latest.messages()).containsExactlyElementsOf(stored.subList(2, 5));
        assertThat(latest.lastSeq()).isEqualTo(5);
        assertThat(latest.epoch()).isEqualTo(history.position(room).epoch());
        assertThat(latest.complete()).isTrue();
        assertThat(history.latest(room, 100).messages()).containsExactlyElementsOf(stored);
        assertThat(history.latest(room, 100).complete()).isTrue();
    }

    @Test
    void givenNoMessagesOrNoneWanted_latestIsOnlyThePosition() {
        MessageHistory history = createStores(100).history();
        RoomName quiet = uniqueRoom();
        RoomName busy = uniqueRoom();
        history.append(draft(busy, "m"));

        HistorySlice empty = history.latest(quiet, 10);
        HistorySlice noneWanted = history.latest(busy, 0);

        assertThat(empty.messages()).isEmpty();
        assertThat(empty.lastSeq()).isZero();
        assertThat(empty.complete()).isTrue();
        assertThat(empty.epoch()).isEqualTo(history.position(quiet).epoch()).isNotBlank();
        assertThat(noneWanted.messages()).isEmpty();
        assertThat(noneWanted.lastSeq()).isEqualTo(1);
        assertThat(noneWanted.complete()).isTrue();
        assertThat(history.latest(busy, -1)).isEqualTo(noneWanted);
    }

    @Test
    void givenTrimmedMessages_latestHasWhatIsKept_andSaysItIsIncomplete() {
        MessageHistory history = createStores(3).history();
        RoomName room = uniqueRoom();
        appendMessages(history, room, 5);

        HistorySlice latest = history.latest(room, 4);

        assertThat(latest.messages()).extracting(ChatMessage::seq).containsExactly(3L, 4L, 5L);
        assertThat(latest.complete()).isFalse();
        assertThat(history.latest(room, 2).messages())
                .extracting(ChatMessage::seq)
                .containsExactly(4L, 5L);
        assertThat(history.latest(room, 2).complete()).isTrue();
    }

    @Test
    void givenCursorBeyondTheLatestSeq_readAfterSaysItIsIncomplete() {
        MessageHistory history = createStores(10).history();
        RoomName room = uniqueRoom();
        history.append(draft(room, "only"));

        assertThat(history.readAfter(room, 7, 10).complete()).isFalse();
    }

    @Test
    void givenDraftWithAKeyAlreadyStored_appendReturnsTheEarlierMessage_andStoresAndPublishesNothing() {
        Stores stores = createStores(100);
        RoomName room = uniqueRoom();
        List<RoomEvent> published = new CopyOnWriteArrayList<>();
        stores.bus().subscribe(room, published::add);

        ChatMessage first = stores.history().append(keyed(room, "once", "session-a r1"));
        ChatMessage retry = stores.history().append(keyed(room, "once, retried", "session-a r1"));
        ChatMessage other = stores.history().append(keyed(room, "another", "session-a r2"));

        assertThat(retry).isEqualTo(first);
        assertThat(other.seq()).isEqualTo(2);
        assertThat(stores.history().readAfter(room, 0, 10).messages()).containsExactly(first, other);
        await().atMost(TIMEOUT).until(() -> published.size() >= 2);
        assertThat(published).containsExactly(first, other);
    }

    @Test
    void givenOneKeyInTwoRooms_eachRoomStoresItsMessage() {
        MessageHistory history = createStores(100).history();

        ChatMessage inFirst = history.append(keyed(uniqueRoom(), "hi", "session-a r1"));
        ChatMessage inSecond = history.append(keyed(uniqueRoom(), "hi", "session-a r1"));

        assertThat(inSecond.room()).isNotEqualTo(inFirst.room());
        assertThat(inSecond.id()).isNotEqualTo(inFirst.id());
    }

    @Test
    void givenTheKeyedMessageLeftTheKeptHistory_theKeyIsForgotten() {
        MessageHistory history = createStores(2).history();
        RoomName room = uniqueRoom();
        history.append(keyed(room, "old", "session-a r1"));
        history.append(draft(room, "newer"));
        history.append(draft(room, "newest"));

        ChatMessage again = history.append(keyed(room, "old, sent again", "session-a r1"));

        assertThat(again.seq()).isEqualTo(4);
        assertThat(again.text()).isEqualTo("old, sent again");
    }

    @Test
    void givenConcurrentAppendsWithOneKey_exactlyOneIsStored() throws Exception {
        MessageHistory history = createStores(100).history();
        RoomName room = uniqueRoom();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<ChatMessage>> attempts = IntStream.range(0, 16)
                    .mapToObj(i -> (Callable<ChatMessage>) () -> history.append(keyed(room, "t" + i, "session-a r1")))
                    .toList();
            Set<ChatMessage> results = new HashSet<>();
            for (Future<ChatMessage> result : pool.invokeAll(attempts)) {
                results.add(result.get());
            }
            assertThat(results).hasSize(1);
            assertThat(history.position(room).seq()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Appends {@code count} messages ("m0", "m1", ...) to the room; returns them as stored. */
    private static List<ChatMessage> appendMessages(MessageHistory history, RoomName room, int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> history.append(draft(room, "m" + i)))
                .toList();
    }

    protected static MessageDraft draft(RoomName room, String text) {
        return keyed(room, text, null);
    }

    private static MessageDraft keyed(RoomName room, String text, String idempotencyKey) {
        return new MessageDraft(
                room,
                UUID.randomUUID().toString(),
                AUTHOR,
                text,
                Instant.now().truncatedTo(ChronoUnit.MILLIS),
                idempotencyKey);
    }
}
