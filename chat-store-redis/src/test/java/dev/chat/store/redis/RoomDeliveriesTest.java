package dev.chat.store.redis;

import static dev.chat.domain.contract.ContractSupport.awaitLatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomEvent;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.UserConnected;
import dev.chat.domain.port.out.EventBus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RoomDeliveriesTest {
    private static final RoomName BIG = RoomName.of("big");
    private static final RoomName SMALL = RoomName.of("small");

    private final CountDownLatch firstHeld = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    /** What each room's listener was handed, one list per call. */
    private final Map<RoomName, List<List<RoomEvent>>> runs =
            Map.of(BIG, new CopyOnWriteArrayList<>(), SMALL, new CopyOnWriteArrayList<>());

    private final RoomDeliveries deliveries = new RoomDeliveries(room -> List.of(new EventBus.Listener() {
        @Override
        public void accept(RoomEvent event) {
            if (runs.get(room).isEmpty() && room.equals(BIG)) {
                firstHeld.countDown();
                awaitLatch(release); // a big room taking its time
            }
            runs.get(room).add(List.of(event));
        }

        @Override
        public void acceptAll(List<RoomEvent> events) {
            runs.get(room).add(List.copyOf(events));
        }
    }));

    @AfterEach
    void close() {
        release.countDown();
        deliveries.close();
    }

    @Test
    void givenAListenerTakingItsTime_theSubscriberIsNotHeld_andWhatArrivedMeanwhileGoesOutAsOneRunPerRoomInOrder() {
        RoomEvent first = event(BIG);
        deliveries.add(BIG, first);
        awaitLatch(firstHeld);

        List<RoomEvent> big = List.of(event(BIG), event(BIG), event(BIG));
        List<RoomEvent> small = List.of(event(SMALL), event(SMALL));
        deliveries.add(BIG, big.get(0)); // each add returns at once: the subscriber reads on
        deliveries.add(SMALL, small.get(0));
        deliveries.add(BIG, big.get(1));
        deliveries.add(SMALL, small.get(1));
        deliveries.add(BIG, big.get(2));
        release.countDown();

        await().atMost(Duration.ofSeconds(5))
                .until(() -> runs.get(BIG).size() == 2 && !runs.get(SMALL).isEmpty());
        assertThat(runs.get(BIG)).containsExactly(List.of(first), big);
        assertThat(runs.get(SMALL)).containsExactly(small);
    }

    @Test
    void givenAFullQueue_closingLetsTheWaitingSubscriberGo_andNothingMoreIsDelivered() throws Exception {
        deliveries.add(BIG, event(BIG));
        awaitLatch(firstHeld); // the delivery thread is busy: what comes next queues
        CompletableFuture<Void> subscriber = CompletableFuture.runAsync(() -> {
            for (int i = 0; i <= RoomDeliveries.CAPACITY; i++) {
                deliveries.add(SMALL, event(SMALL));
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> !subscriber.isDone() && queuedFull());

        deliveries.close();

        subscriber.get(5, TimeUnit.SECONDS);
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get(BIG).size() == 1);
        assertThat(runs.get(SMALL)).as("a closed node delivers nothing more").isEmpty();
    }

    private boolean queuedFull() {
        return deliveries.queued() == RoomDeliveries.CAPACITY;
    }

    private static RoomEvent event(RoomName room) {
        return new UserConnected(room, new Nickname("User" + System.nanoTime()));
    }
}
