package dev.chat.domain.contract;

import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Names unique per test, so contract suites can share one store (e.g. one Redis) without seeing each other; and a
 * latch wait for tests that hold a bus's delivery on purpose.
 */
public final class ContractSupport {
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final String RUN = Long.toString(System.nanoTime() % 1_000_000_000L, 36);

    private ContractSupport() {}

    public static RoomName uniqueRoom() {
        return RoomName.of("t-" + RUN + "-" + COUNTER.incrementAndGet());
    }

    /** Waits for a latch a test holds a listener on; fails the test after 10 s. */
    public static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Nickname uniqueNickname() {
        return new Nickname("User" + RUN.replace("-", "") + COUNTER.incrementAndGet());
    }
}
