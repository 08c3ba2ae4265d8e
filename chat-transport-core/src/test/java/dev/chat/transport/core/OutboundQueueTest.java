package dev.chat.transport.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {
    /** A sink that takes frames while open, confirms them only when told, and records what it was given. */
    private static final class FakeSink implements OutboundQueue.Sink<String> {
        final List<String> written = new ArrayList<>();
        final List<Integer> inFlight = new ArrayList<>();
        boolean ready = true;
        int flushes;
        long overflowedAt = -1;
        int overflows;
        OutboundQueue<String> queue;
        boolean confirmAtOnce;

        @Override
        public boolean ready() {
            return ready;
        }

        @Override
        public void write(String frame, int bytes) {
            written.add(frame);
            if (confirmAtOnce) {
                queue.written(bytes); // as a socket whose write completes inside the call
            } else {
                inFlight.add(bytes);
            }
        }

        @Override
        public void flush() {
            flushes++;
        }

        @Override
        public void overflowed(long queuedBytes) {
            overflows++;
            overflowedAt = queuedBytes;
        }

        void confirmAll() {
            inFlight.forEach(queue::written);
            inFlight.clear();
        }
    }

    private final FakeSink sink = new FakeSink();
    private final OutboundQueue<String> queue = new OutboundQueue<>(100, sink);

    {
        sink.queue = queue;
    }

    @Test
    void givenAReadySink_framesGoOutInOrderAndAreFlushed() {
        queue.offer("a", 10);
        queue.offer("b", 10);

        assertThat(sink.written).containsExactly("a", "b");
        assertThat(sink.flushes).isEqualTo(2);
        assertThat(queue.unconfirmedBytes()).isEqualTo(20);
    }

    @Test
    void givenARun_theSinkGetsItsFramesInOrderThenOneFlush() {
        assertThat(queue.offerAll(List.of("a", "bb", "ccc"), String::length)).isTrue();

        assertThat(sink.written).containsExactly("a", "bb", "ccc");
        assertThat(sink.flushes).isEqualTo(1);
        assertThat(queue.unconfirmedBytes()).isEqualTo(6);
    }

    @Test
    void givenARunThatOverflows_theQueueClosesAndTellsTheSinkOnceWritingNoneOfIt() {
        queue.offer("a", 60);

        assertThat(queue.offerAll(List.of("b", "c"), frame -> 30)).isFalse();

        assertThat(sink.written).containsExactly("a");
        assertThat(sink.overflows).isEqualTo(1);
        assertThat(sink.overflowedAt).isEqualTo(90);
        assertThat(queue.isClosed()).isTrue();
        assertThat(queue.offerAll(List.of("d"), frame -> 1)).isFalse();
        assertThat(sink.overflows).isEqualTo(1);
    }

    @Test
    void givenASinkThatIsNotReady_framesWaitUntilItResumes() {
        sink.ready = false;
        queue.offer("a", 10);
        queue.offer("b", 10);
        assertThat(sink.written).isEmpty();

        sink.ready = true;
        queue.resume();

        assertThat(sink.written).containsExactly("a", "b");
        assertThat(queue.isDrained()).isTrue();
        assertThat(sink.flushes).isEqualTo(1);
    }

    @Test
    void givenAHold_whatIsOfferedWaits_andTheReleaseHandsItAllOverAsOneRun() {
        queue.hold();
        queue.offer("welcome", 10);
        queue.offerAll(List.of("m1", "snapshot"), frame -> 20);
        queue.resume(); // the sink's readiness does not end a hold
        assertThat(sink.written).isEmpty();
        assertThat(sink.flushes).isZero();
        assertThat(queue.unconfirmedBytes()).isEqualTo(50); // counted while waiting

        queue.release();

        assertThat(sink.written).containsExactly("welcome", "m1", "snapshot");
        assertThat(sink.flushes).isEqualTo(1);
        queue.offer("live", 10);
        assertThat(sink.written).last().isEqualTo("live"); // after the release, frames go out at once again
    }

    @Test
    void givenNestedHolds_onlyTheLastReleaseHandsOver() {
        queue.hold();
        queue.hold();
        queue.offer("a", 10);

        queue.release();
        assertThat(sink.written).isEmpty();
        queue.release();

        assertThat(sink.written).containsExactly("a");
    }

    @Test
    void givenAHeldQueueThatIsClosed_theReleaseWritesNothing_andAReleaseWithoutHoldIsRefused() {
        queue.hold();
        queue.offer("a", 10);
        queue.close();

        queue.release();

        assertThat(sink.written).isEmpty();
        assertThatThrownBy(queue::release).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void givenNothingWaiting_resumeStillFlushesTheSink() {
        queue.resume();

        assertThat(sink.flushes).isEqualTo(1); // a closing stream ends there once its goodbye is out
    }

    @Test
    void givenBytesOverTheLimit_theQueueClosesOnceAndTellsTheSink() {
        sink.ready = false;
        assertThat(queue.offer("a", 60)).isTrue();
        assertThat(queue.offer("b", 41)).isFalse();
        assertThat(queue.offer("c", 1)).isFalse();

        assertThat(sink.overflows).isEqualTo(1);
        assertThat(sink.overflowedAt).isEqualTo(60);
        assertThat(queue.isClosed()).isTrue();
        sink.ready = true;
        queue.resume();
        assertThat(sink.written).isEmpty(); // what waited was dropped
    }

    @Test
    void givenWritesInFlight_theirBytesCountUntilConfirmed() {
        queue.offer("a", 60);
        assertThat(queue.offer("b", 41)).isFalse(); // "a" is in the sink but not confirmed written

        FakeSink other = new FakeSink();
        OutboundQueue<String> second = new OutboundQueue<>(100, other);
        other.queue = second;
        second.offer("a", 60);
        other.confirmAll();
        assertThat(second.offer("b", 41)).isTrue();
    }

    @Test
    void givenASinkThatConfirmsInsideTheWrite_nothingIsCountedTwiceAndOrderHolds() {
        sink.confirmAtOnce = true;
        for (int i = 0; i < 1_000; i++) {
            assertThat(queue.offer("f" + i, 50)).isTrue();
        }
        assertThat(sink.written).hasSize(1_000).startsWith("f0", "f1").endsWith("f999");
        assertThat(queue.unconfirmedBytes()).isZero();
    }

    /** What a sink does from inside a write, on the writing thread, to the queue that called it. */
    private interface InsideWrite {
        void run(OutboundQueue<String> queue, String frame, int bytes);
    }

    /** A ready sink that calls back into its own queue from inside each write, recording how deep writes nest. */
    private static final class ReentrantSink implements OutboundQueue.Sink<String> {
        final List<Integer> depths = new ArrayList<>();
        /** The frames written and each "flush", in order. */
        final List<String> calls = new ArrayList<>();

        final OutboundQueue<String> queue = new OutboundQueue<>(100, this);
        private final InsideWrite insideWrite;
        private int depth;

        ReentrantSink(InsideWrite insideWrite) {
            this.insideWrite = insideWrite;
        }

        List<String> written() {
            return calls.stream().filter(call -> !call.equals("flush")).toList();
        }

        @Override
        public boolean ready() {
            return true;
        }

        @Override
        public void write(String frame, int bytes) {
            depths.add(++depth);
            calls.add(frame);
            insideWrite.run(queue, frame, bytes);
            depth--;
        }

        @Override
        public void flush() {
            calls.add("flush");
        }

        @Override
        public void overflowed(long queuedBytes) {}
    }

    @Test
    void givenASinkThatResumesFromInsideAWrite_theQueueDoesNotRecurse() {
        // as a socket whose completion callback runs on the writing thread
        ReentrantSink reentrant = new ReentrantSink((queue, frame, bytes) -> {
            queue.written(bytes);
            queue.resume();
        });
        for (int i = 0; i < 100; i++) {
            reentrant.queue.offer("x", 1);
        }
        assertThat(reentrant.depths).hasSize(100).containsOnly(1);
    }

    @Test
    void givenASinkThatOffersFromInsideAWrite_theOfferedFrameFollowsInOrderWithoutRecursion() {
        // as a handler answering on the writing thread
        ReentrantSink echoing = new ReentrantSink((queue, frame, bytes) -> {
            if (frame.startsWith("ping")) {
                queue.offer("pong" + frame.substring(4), 1);
            }
        });

        echoing.queue.offer("ping1", 1);
        assertThat(echoing.written()).containsExactly("ping1", "pong1"); // the answer did not wait for the next offer
        assertThat(echoing.calls).last().isEqualTo("flush"); // what was written is flushed before the offer returns
        echoing.queue.offer("ping2", 1);
        assertThat(echoing.calls).last().isEqualTo("flush");

        assertThat(echoing.written()).containsExactly("ping1", "pong1", "ping2", "pong2");
        assertThat(echoing.depths).containsOnly(1);
        assertThat(echoing.queue.isDrained()).isTrue();
        assertThat(echoing.queue.unconfirmedBytes()).isEqualTo(4);
    }

    @Test
    void givenConcurrentProducers_everyFrameLeavesOnceAndEachProducersOrderHolds() throws Exception {
        int producers = 8;
        int perProducer = 5_000;
        List<String> out = new ArrayList<>();
        AtomicInteger overflows = new AtomicInteger();
        OutboundQueue<String>[] holder = new OutboundQueue[1];
        OutboundQueue.Sink<String> confirming = new OutboundQueue.Sink<>() {
            @Override
            public boolean ready() {
                return true;
            }

            @Override
            public void write(String frame, int bytes) {
                out.add(frame); // the queue calls its sink one call at a time
                holder[0].written(bytes);
            }

            @Override
            public void overflowed(long queuedBytes) {
                overflows.incrementAndGet();
            }
        };
        holder[0] = new OutboundQueue<>(1_000, confirming);
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        CountDownLatch start = new CountDownLatch(1);
        for (int p = 0; p < producers; p++) {
            int producer = p;
            pool.execute(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < perProducer; i++) {
                    holder[0].offer(producer + ":" + i, 10);
                }
            });
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        assertThat(overflows).hasValue(0);
        assertThat(out).hasSize(producers * perProducer).doesNotHaveDuplicates();
        int[] next = new int[producers];
        for (String frame : out) {
            String[] parts = frame.split(":");
            int producer = Integer.parseInt(parts[0]);
            assertThat(Integer.parseInt(parts[1])).isEqualTo(next[producer]);
            next[producer]++;
        }
    }
}
