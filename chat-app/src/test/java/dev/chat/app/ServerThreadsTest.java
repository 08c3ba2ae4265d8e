package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServerThreadsTest {
    private static final int BURST = 100;

    private final QueuedThreadPool pool = ChatServer.serverThreads();

    @AfterEach
    void stop() throws Exception {
        pool.stop();
    }

    @Test
    void givenABurstOfBlockedTasks_everyThreadBeyondThoseKeptIsRetiredSoonAfter() throws Exception {
        pool.start();
        CountDownLatch started = new CountDownLatch(BURST);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < BURST; i++) {
            pool.execute(() -> {
                started.countDown();
                awaitQuietly(release);
            });
        }
        assertThat(started.await(10, TimeUnit.SECONDS))
                .as("the burst runs at once")
                .isTrue();
        assertThat(pool.getThreads()).isGreaterThanOrEqualTo(BURST);

        release.countDown();

        await().atMost(ChatServer.IDLE_THREAD_RETIRED.multipliedBy(5))
                .pollInterval(Duration.ofMillis(50))
                .until(pool::getThreads, threads -> threads <= ChatServer.KEPT_THREADS);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
