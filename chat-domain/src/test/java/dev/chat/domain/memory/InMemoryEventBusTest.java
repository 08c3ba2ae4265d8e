package dev.chat.domain.memory;

import static dev.chat.domain.contract.ContractSupport.uniqueNickname;
import static dev.chat.domain.contract.ContractSupport.uniqueRoom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.domain.contract.EventBusContract;
import dev.chat.domain.model.RoomEvent;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.UserConnected;
import dev.chat.domain.port.out.EventBus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

    @Test
    void givenEventsThatQueuedUpMeanwhile_aBatchingListenerGetsThemTogetherInOrder() throws Exception {
        InMemoryEventBus bus = new InMemoryEventBus();
        RoomName room = uniqueRoom();
        CountDownLatch firstHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<List<RoomEvent>> runs = new CopyOnWriteArrayList<>();
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
            }

            @Override
            public void acceptAll(List<RoomEvent> events) {
                runs.add(List.copyOf(events));
            }
        });
        CompletableFuture<Void> draining = CompletableFuture.runAsync(() -> bus.publish(first));
        awaitLatch(firstHeld);
        for (RoomEvent event : queued) { // one at a time, so that their order in the queue is known
            publishAndAwaitWaiting(bus, event);
        }

        release.countDown();
        draining.get(5, TimeUnit.SECONDS);
        assertThat(runs).containsExactly(List.of(first), queued);
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

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
