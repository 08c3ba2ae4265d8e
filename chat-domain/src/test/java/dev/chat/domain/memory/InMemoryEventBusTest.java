package dev.chat.domain.memory;

import static dev.chat.domain.contract.ContractSupport.awaitLatch;
import static dev.chat.domain.contract.ContractSupport.uniqueNickname;
import static dev.chat.domain.contract.ContractSupport.uniqueRoom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.domain.contract.EventBusContract;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomEvent;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.UserConnected;
import dev.chat.domain.port.out.EventBus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class InMemoryEventBusTest extends EventBusContract {
    @Override
    protected EventBus createBus() {
        return new InMemoryEventBus();
    }

    @Test
    void givenTheRoomBeingDrainedByAnotherThread_aPublisherReturnsOnlyOnceItsEventIsDelivered() throws Exception {
        InMemoryEventBus bus = new InMemoryEventBus();
        RoomName room = uniqueRoom();
        CountDownLatch firstHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<RoomEvent> received = new CopyOnWriteArrayList<>();
        RoomEvent first = new UserConnected(room, uniqueNickname());
        RoomEvent second = new UserConnected(room, uniqueNickname());
        bus.subscribe(room, event -> {
            if (event.equals(first)) {
                firstHeld.countDown();
                awaitLatch(release);
            }
            received.add(event);
        });
        CompletableFuture<Void> draining = CompletableFuture.runAsync(() -> bus.publish(first));
        awaitLatch(firstHeld);

        CompletableFuture<Void> waiting = publishAndAwaitWaiting(bus, second);
        assertThat(waiting).as("its event is still queued behind the held one").isNotDone();

        release.countDown();
        waiting.get(5, TimeUnit.SECONDS);
        assertThat(received).as("delivered before its publisher returned").containsExactly(first, second);
        draining.get(5, TimeUnit.SECONDS);
    }

    /**
     * Publishers hand the room's delivery to each other (the first waiting takes over once the deliverer's own event
     * is out): however often that happens, one thread delivers at a time, and every event reaches the listener once,
     * each publisher's in the order it published them. A member's repeat filter drops a message that comes after a
     * later one, so any overtaking would be a lost message.
     */
    @Test
    void givenManyPublishersHandingTheRoomToEachOther_oneDeliversAtATime_inEachPublishersOrder_eachEventOnce()
            throws Exception {
        InMemoryEventBus bus = new InMemoryEventBus();
        RoomName room = uniqueRoom();
        int publishers = 8;
        int perPublisher = 2_000;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        List<String> received = Collections.synchronizedList(new ArrayList<>());
        bus.subscribe(room, new EventBus.Listener() {
            @Override
            public void accept(RoomEvent event) {
                acceptAll(List.of(event));
            }

            @Override
            public void acceptAll(List<RoomEvent> events) {
                if (inside.incrementAndGet() != 1) {
                    overlaps.incrementAndGet();
                }
                for (RoomEvent event : events) {
                    received.add(((UserConnected) event).user().value());
                }
                if (received.size() % 64 == 0) {
                    LockSupport.parkNanos(50_000); // a slow moment, so publishers queue up and wait
                }
                inside.decrementAndGet();
            }
        });

        ExecutorService pool = Executors.newFixedThreadPool(publishers);
        for (int p = 0; p < publishers; p++) {
            int publisher = p;
            pool.execute(() -> {
                for (int i = 0; i < perPublisher; i++) {
                    bus.publish(new UserConnected(room, new Nickname("P" + publisher + "N" + i)));
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() >= publishers * perPublisher);
        assertThat(overlaps).as("listener calls that overlapped").hasValue(0);
        assertThat(received).hasSize(publishers * perPublisher).doesNotHaveDuplicates();
        for (int p = 0; p < publishers; p++) {
            String prefix = "P" + p + "N";
            List<Integer> order = received.stream()
                    .filter(name -> name.startsWith(prefix))
                    .map(name -> Integer.parseInt(name.substring(prefix.length())))
                    .toList();
            assertThat(order).as("publisher %d's events", p).isSorted().hasSize(perPublisher);
        }
    }

    @Test
    void givenEventsThatQueuedUpMeanwhile_aBatchingListenerGetsThemTogetherInOrder() throws Exception {
        InMemoryEventBus bus = new InMemoryEventBus();
        RoomName room = uniqueRoom();
        CountDownLatch firstHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<List<RoomEvent>> runs = new CopyOnWriteArrayList<>();
        List<Thread> deliveredBy = new CopyOnWriteArrayList<>();
        RoomEvent first = new UserConnected(room, uniqueNickname());
        List<RoomEvent> queued = List.of(
                new UserConnected(room, uniqueNickname()),
                new UserConnected(room, uniqueNickname()),
                new UserConnected(room, uniqueNickname()));
        bus.subscribe(room, new EventBus.Listener() {
            @Override
            public void accept(RoomEvent event) {
                if (event.equals(first)) {
                    firstHeld.countDown();
                    awaitLatch(release);
                }
                runs.add(List.of(event));
                deliveredBy.add(Thread.currentThread());
            }

            @Override
            public void acceptAll(List<RoomEvent> events) {
                runs.add(List.copyOf(events));
                deliveredBy.add(Thread.currentThread());
            }
        });
        Thread[] firstPublisher = new Thread[1];
        CompletableFuture<Void> draining = CompletableFuture.runAsync(() -> {
            firstPublisher[0] = Thread.currentThread();
            bus.publish(first);
        });
        awaitLatch(firstHeld);
        for (RoomEvent event : queued) { // one at a time, so that their order in the queue is known
            publishAndAwaitWaiting(bus, event);
        }

        release.countDown();
        draining.get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> runs.size() == 2);
        assertThat(runs).containsExactly(List.of(first), queued);
        assertThat(deliveredBy.get(1))
                .as("the first publisher went back to its own connection once its event was out")
                .isNotSameAs(firstPublisher[0]);
    }

    /** Publishes on another thread and returns once that publisher waits behind the room's delivery. */
    private static CompletableFuture<Void> publishAndAwaitWaiting(InMemoryEventBus bus, RoomEvent event) {
        Thread[] publisher = new Thread[1];
        CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
            publisher[0] = Thread.currentThread();
            bus.publish(event);
        });
        await().atMost(Duration.ofSeconds(5))
                .until(() -> publisher[0] != null && publisher[0].getState() == Thread.State.TIMED_WAITING);
        return publishing;
    }
}
