package dev.chat.domain.contract;

import static dev.chat.domain.contract.ContractSupport.uniqueNickname;
import static dev.chat.domain.contract.ContractSupport.uniqueRoom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.domain.model.RoomEvent;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.UserConnected;
import dev.chat.domain.port.out.EventBus;
import dev.chat.domain.port.out.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link EventBus} must do. Adapters extend this with their own factory. */
public abstract class EventBusContract {
    protected static final Duration TIMEOUT = Duration.ofSeconds(10);

    private EventBus bus;

    /** A bus ready to use; subscriptions are live when {@code subscribe} returns. */
    protected abstract EventBus createBus();

    @BeforeEach
    void createBusUnderTest() {
        bus = createBus();
    }

    @Test
    void givenSubscriber_whenEventsArePublished_itReceivesThemInOrder() {
        RoomName room = uniqueRoom();
        List<RoomEvent> received = new CopyOnWriteArrayList<>();
        bus.subscribe(room, received::add);

        List<RoomEvent> sent =
                IntStream.range(0, 50).mapToObj(i -> joined(room)).toList();
        sent.forEach(bus::publish);

        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(received).containsExactlyElementsOf(sent));
    }

    @Test
    void givenTwoSubscribers_whenPublishing_eachGetsEachEventExactlyOnce() {
        RoomName room = uniqueRoom();
        List<RoomEvent> first = new CopyOnWriteArrayList<>();
        List<RoomEvent> second = new CopyOnWriteArrayList<>();
        bus.subscribe(room, first::add);
        bus.subscribe(room, second::add);

        List<RoomEvent> sent =
                IntStream.range(0, 20).mapToObj(i -> joined(room)).toList();
        sent.forEach(bus::publish);
        RoomEvent marker = joined(room);
        bus.publish(marker);

        await().atMost(TIMEOUT).until(() -> first.contains(marker) && second.contains(marker));
        List<RoomEvent> expected = new ArrayList<>(sent);
        expected.add(marker);
        assertThat(first).containsExactlyElementsOf(expected);
        assertThat(second).containsExactlyElementsOf(expected);
    }

    @Test
    void givenTwoRooms_whenPublishingToOne_theOtherReceivesNothing() {
        RoomName room = uniqueRoom();
        RoomName otherRoom = uniqueRoom();
        List<RoomEvent> inRoom = new CopyOnWriteArrayList<>();
        List<RoomEvent> inOther = new CopyOnWriteArrayList<>();
        bus.subscribe(room, inRoom::add);
        bus.subscribe(otherRoom, inOther::add);

        RoomEvent event = joined(room);
        bus.publish(event);
        RoomEvent marker = joined(otherRoom);
        bus.publish(marker);

        await().atMost(TIMEOUT).until(() -> inRoom.contains(event) && inOther.contains(marker));
        assertThat(inOther).containsExactly(marker);
    }

    @Test
    void givenClosedSubscription_whenPublishing_itReceivesNothingMore() {
        RoomName room = uniqueRoom();
        List<RoomEvent> closedOne = new CopyOnWriteArrayList<>();
        List<RoomEvent> openOne = new CopyOnWriteArrayList<>();
        Subscription subscription = bus.subscribe(room, closedOne::add);
        bus.subscribe(room, openOne::add);

        RoomEvent before = joined(room);
        bus.publish(before);
        await().atMost(TIMEOUT).until(() -> closedOne.contains(before));
        subscription.close();
        subscription.close(); // closing twice is harmless
        RoomEvent after = joined(room);
        bus.publish(after);

        await().atMost(TIMEOUT).until(() -> openOne.contains(after));
        assertThat(closedOne).containsExactly(before);
    }

    @Test
    void givenConcurrentPublishers_allSubscribersSeeTheSameOrder() throws InterruptedException {
        RoomName room = uniqueRoom();
        List<RoomEvent> first = new CopyOnWriteArrayList<>();
        List<RoomEvent> second = new CopyOnWriteArrayList<>();
        bus.subscribe(room, first::add);
        bus.subscribe(room, second::add);
        int publishers = 4;
        int perPublisher = 100;

        ExecutorService pool = Executors.newFixedThreadPool(publishers);
        for (int p = 0; p < publishers; p++) {
            pool.execute(() -> IntStream.range(0, perPublisher).forEach(i -> bus.publish(joined(room))));
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        int total = publishers * perPublisher;
        await().atMost(TIMEOUT).until(() -> first.size() == total && second.size() == total);
        assertThat(first).doesNotHaveDuplicates().containsExactlyElementsOf(second);
    }

    private static RoomEvent joined(RoomName room) {
        return new UserConnected(room, uniqueNickname());
    }
}
