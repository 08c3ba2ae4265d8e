package dev.chat.transport.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AdmissionTest {
    private final ExecutorService connecting = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        connecting.shutdownNow();
    }

    @Test
    void givenARateLimit_aBurstOfOneSecondsWorthIsTaken_thenConnectsAreRefusedWithWhenToComeBack() {
        Admission admission = new Admission(0, 5, 0, () -> 0);
        for (int i = 0; i < 5; i++) {
            assertThat(admission.admit().refusal()).as("connect %d", i).isEmpty();
        }

        assertThat(admission.admit().refusal()).hasValueSatisfying(refusal -> {
            assertThat(refusal.reason()).contains("too many new connections");
            assertThat(refusal.retryAfter()).isEqualTo(Duration.ofSeconds(1));
            assertThat(refusal.retryAfterHeader()).isEqualTo("1");
        });
    }

    @Test
    void givenAConnectionLimit_connectsAreRefusedWhileTheNodeIsFull_andTakenAgainWhenOneLeaves() {
        AtomicInteger open = new AtomicInteger(3);
        Admission admission = new Admission(3, 0, 0, open::get);

        assertThat(admission.admit().refusal())
                .hasValueSatisfying(refusal -> assertThat(refusal.reason()).contains("full"));
        open.decrementAndGet();
        assertThat(admission.admit().refusal()).isEmpty();
    }

    @Test
    void givenClosedDoors_everyConnectIsRefused_withTheRetryAsked() {
        Admission admission = Admission.unlimited();
        assertThat(admission.admit().refusal()).isEmpty();

        admission.closeDoors(Duration.ofSeconds(11));

        assertThat(admission.admit().refusal())
                .hasValueSatisfying(refusal -> assertThat(refusal.retryAfter()).isEqualTo(Duration.ofSeconds(11)));
    }

    @Test
    void givenTwoOpening_aThirdConnectWaitsForItsTurn_andGoesOnOnceOneOfThemIsOpen() throws Exception {
        Admission admission = new Admission(0, 0, 2, () -> 0);
        Admission.Entry first = admitted(admission);
        admitted(admission);

        CompletableFuture<Admission.Entry> third = waitingConnect(admission);

        first.opened();
        first.opened(); // twice gives back one turn, not two
        assertThat(third.get(5, TimeUnit.SECONDS).refusal()).isEmpty();
        assertThat(admission.waitingCount()).isZero();
        waitingConnect(admission);
    }

    /**
     * A turn handed to a parked connect stays unused until that thread gets a core; one already running takes it
     * instead. Whether the parked one wakes first is up to the scheduler, so rounds are repeated until the arriving
     * connect is seen to go first once (with a fair hand-over it never does).
     */
    @Test
    void givenATurnComesFree_aConnectArrivingThenTakesIt_beforeTheParkedOneWakes() throws Exception {
        Admission admission = new Admission(0, 0, 1, () -> 0);
        boolean arrivingWentFirst = false;
        for (int round = 0; round < 50 && !arrivingWentFirst; round++) {
            Admission.Entry opening = admitted(admission);
            AtomicInteger admittedSoFar = new AtomicInteger();
            CompletableFuture<Integer> parkedPlace = new CompletableFuture<>();
            Thread parked = new Thread(() -> {
                Admission.Entry entry = admission.admit();
                parkedPlace.complete(admittedSoFar.incrementAndGet());
                entry.opened(); // at once: the arriving connect never waits on this one for long
            });
            parked.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> parked.getState() == Thread.State.TIMED_WAITING);

            opening.opened();
            Admission.Entry arriving = admitted(admission);
            int arrivingPlace = admittedSoFar.incrementAndGet();
            arriving.opened();

            arrivingWentFirst = arrivingPlace < parkedPlace.get(5, TimeUnit.SECONDS);
            parked.join();
        }
        assertThat(arrivingWentFirst)
                .as("a connect arriving as a turn came free took it in one of 50 rounds")
                .isTrue();
    }

    @Test
    void givenAConnectThatWaitedItsLongestWait_itIsRefusedWithARetrySoon() throws Exception {
        Admission admission = new Admission(0, 0, 1, () -> 0);
        admitted(admission);

        Admission.Entry late = CompletableFuture.supplyAsync(admission::admit, connecting)
                .get(Admission.OPENING_WAIT.toSeconds() + 5, TimeUnit.SECONDS);

        assertThat(late.refusal()).hasValueSatisfying(refusal -> {
            assertThat(refusal.reason()).contains("busy opening");
            assertThat(refusal.retryAfterHeader()).isEqualTo("1");
        });
        late.opened(); // a refused entry holds no turn: giving it back frees nothing
        waitingConnect(admission);
    }

    @Test
    void givenAConnectWaitingForItsTurn_whenTheDoorsCloseMeanwhile_itIsRefusedAndOpensNothing() throws Exception {
        Admission admission = new Admission(0, 0, 1, () -> 0);
        Admission.Entry opening = admitted(admission);
        CompletableFuture<Admission.Entry> waiting = waitingConnect(admission);

        admission.closeDoors(Duration.ofSeconds(7));
        opening.opened();

        assertThat(waiting.get(5, TimeUnit.SECONDS).refusal())
                .hasValueSatisfying(refusal -> assertThat(refusal.retryAfter()).isEqualTo(Duration.ofSeconds(7)));
    }

    @Test
    void givenAFullWaitingLine_theNextConnectIsRefusedAtOnce() throws Exception {
        Admission admission = new Admission(0, 0, 1, () -> 0);
        Admission.Entry opening = admitted(admission);
        List<CompletableFuture<Admission.Entry>> line = new ArrayList<>();
        for (int i = 0; i < Admission.MAX_WAITING; i++) {
            line.add(CompletableFuture.supplyAsync(admission::admit, connecting));
        }
        awaitWaiting(admission, Admission.MAX_WAITING);

        long start = System.nanoTime();
        Admission.Entry refused = admission.admit();

        assertThat(refused.refusal()).isPresent();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Admission.OPENING_WAIT);
        opening.opened();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> line.stream().filter(CompletableFuture::isDone).count() == 1);
        assertThat(line.stream()
                        .filter(CompletableFuture::isDone)
                        .findFirst()
                        .orElseThrow()
                        .join()
                        .refusal())
                .as("the first in line goes on")
                .isEmpty();
    }

    @Test
    void givenAnOpeningWaitingOnTheStore_theNextConnectOpensMeanwhile() throws Exception {
        Admission admission = new Admission(0, 0, 1, () -> 0);
        Admission.Entry waitingOnStore = admitted(admission);
        CompletableFuture<Admission.Entry> next = waitingConnect(admission);

        waitingOnStore.giveUp();

        assertThat(next.get(5, TimeUnit.SECONDS).refusal()).isEmpty();
        assertThat(admission.openingCount()).isEqualTo(2);
    }

    @Test
    void givenAnOpeningBackFromTheStore_itGetsTheNextFreeTurn_beforeANewConnect() throws Exception {
        Admission admission = new Admission(0, 0, 1, () -> 0, Duration.ofSeconds(30));
        Admission.Entry back = admitted(admission);
        back.giveUp();
        Admission.Entry meanwhile = admitted(admission);
        CompletableFuture<Admission.Entry> newConnect = waitingConnect(admission);
        Thread takingBack = new Thread(back::takeBack);
        takingBack.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> takingBack.getState() == Thread.State.TIMED_WAITING);

        meanwhile.opened();

        takingBack.join(5_000);
        assertThat(takingBack.isAlive()).isFalse();
        assertThat(newConnect).isNotDone();
        back.opened();
        assertThat(newConnect.get(5, TimeUnit.SECONDS).refusal()).isEmpty();
        assertThat(admission.withoutTurnCount()).isZero();
    }

    @Test
    void givenEightOpeningsPerTurnUnderWay_aNewConnectWaits_evenWithTheTurnsFree() throws Exception {
        Admission admission = new Admission(0, 0, 1, () -> 0);
        List<Admission.Entry> underWay = new ArrayList<>();
        for (int i = 0; i < Admission.IN_PROGRESS_PER_TURN; i++) {
            Admission.Entry entry = admitted(admission);
            entry.giveUp();
            underWay.add(entry);
        }

        CompletableFuture<Admission.Entry> next = waitingConnect(admission);

        underWay.get(3).opened();
        assertThat(next.get(5, TimeUnit.SECONDS).refusal()).isEmpty();
        assertThat(admission.openingCount()).isEqualTo(Admission.IN_PROGRESS_PER_TURN);
    }

    @Test
    void givenNoTurnComesFreeForAnOpeningBackFromTheStore_itGoesOnWithoutOne_andGivesBackNothingAtTheEnd()
            throws Exception {
        Admission admission = new Admission(0, 0, 1, () -> 0, Duration.ofMillis(10));
        Admission.Entry back = admitted(admission);
        back.giveUp();
        Admission.Entry holder = admitted(admission); // waits, say, for a lock the first one holds

        back.takeBack(); // after its 10 ms

        assertThat(admission.withoutTurnCount()).isEqualTo(1);
        back.opened();
        CompletableFuture<Admission.Entry> next = waitingConnect(admission); // the one turn is still the holder's
        holder.opened();
        assertThat(next.get(5, TimeUnit.SECONDS).refusal()).isEmpty();
        waitingConnect(admission);
    }

    @Test
    void givenAnOpeningEndedByAnotherThreadWhileItWaitedOnTheStore_theTurnItTakesBackGoesOn() throws Exception {
        Admission admission = new Admission(0, 0, 1, () -> 0);
        Admission.Entry opening = admitted(admission);
        opening.giveUp();
        opening.opened(); // its deadline passed, say

        opening.takeBack();

        assertThat(admitted(admission).refusal()).isEmpty();
        waitingConnect(admission);
        assertThat(admission.openingCount()).isEqualTo(1);
    }

    @Test
    void givenNoOpeningLimit_connectsNeverWait() {
        Admission admission = new Admission(0, 0, 0, () -> 0);
        for (int i = 0; i < 1_000; i++) {
            assertThat(admission.admit().refusal()).isEmpty();
        }
        assertThat(admission.waitingCount()).isZero();
    }

    /** A connect started now, found waiting for its turn (every turn is taken). */
    private CompletableFuture<Admission.Entry> waitingConnect(Admission admission) {
        CompletableFuture<Admission.Entry> connect = CompletableFuture.supplyAsync(admission::admit, connecting);
        awaitWaiting(admission, 1);
        assertThat(connect).isNotDone();
        return connect;
    }

    private static Admission.Entry admitted(Admission admission) {
        Admission.Entry entry = admission.admit();
        assertThat(entry.refusal()).isEmpty();
        return entry;
    }

    private static void awaitWaiting(Admission admission, int count) {
        await().atMost(Duration.ofSeconds(5)).until(admission::waitingCount, waiting -> waiting >= count);
    }
}
