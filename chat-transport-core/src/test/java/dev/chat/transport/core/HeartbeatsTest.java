package dev.chat.transport.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HeartbeatsTest {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void givenManyConnections_eachBeatsInExactlyOneSlice_andNoSliceHoldsMoreThanTwiceItsShare() {
        int connections = 2_500;
        int[] perSlice = new int[Heartbeats.SLICES];
        for (int i = 0; i < connections; i++) {
            Object connection = new Object();
            List<Integer> slices = IntStream.range(0, Heartbeats.SLICES)
                    .filter(slice -> Heartbeats.beatsAt(connection, slice))
                    .boxed()
                    .toList();
            assertThat(slices).hasSize(1);
            assertThat(Heartbeats.beatsAt(connection, slices.get(0)))
                    .as("the same slice every time")
                    .isTrue();
            perSlice[slices.get(0)]++;
        }
        assertThat(IntStream.of(perSlice).max().orElseThrow()).isLessThanOrEqualTo(2 * connections / Heartbeats.SLICES);
    }

    @Test
    void givenAnInterval_theSlicesBeatInTurn_oneTickEach_thenAgainFromTheFirst() throws Exception {
        BlockingQueue<Integer> beats = new LinkedBlockingQueue<>();
        Heartbeats.schedule(scheduler, Duration.ofMillis(250), beats::add);

        List<Integer> twoIntervals = new ArrayList<>();
        for (int i = 0; i < 2 * Heartbeats.SLICES; i++) {
            Integer slice = beats.poll(5, TimeUnit.SECONDS);
            assertThat(slice).as("beat %d", i).isNotNull();
            twoIntervals.add(slice);
        }

        List<Integer> inTurn = IntStream.range(0, Heartbeats.SLICES).boxed().toList();
        assertThat(twoIntervals.subList(0, Heartbeats.SLICES)).isEqualTo(inTurn);
        assertThat(twoIntervals.subList(Heartbeats.SLICES, 2 * Heartbeats.SLICES))
                .isEqualTo(inTurn);
    }
}
