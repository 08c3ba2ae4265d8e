package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ExecutorSchedulerTest {
    @Test
    void givenOpenScheduler_whenTaskScheduled_itRuns() {
        try (ExecutorScheduler scheduler = new ExecutorScheduler()) {
            CountDownLatch ran = new CountDownLatch(1);
            scheduler.schedule(Duration.ofMillis(1), ran::countDown);
            await().atMost(Duration.ofSeconds(5)).until(() -> ran.getCount() == 0);
        }
    }

    @Test
    void givenClosedScheduler_whenTaskScheduled_itIsDroppedQuietly() throws InterruptedException {
        ExecutorScheduler scheduler = new ExecutorScheduler();
        scheduler.close();
        CountDownLatch ran = new CountDownLatch(1);

        scheduler.schedule(Duration.ZERO, ran::countDown).cancel();

        assertThat(ran.await(100, TimeUnit.MILLISECONDS)).isFalse();
    }
}
