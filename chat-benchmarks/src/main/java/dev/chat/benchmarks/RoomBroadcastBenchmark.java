package dev.chat.benchmarks;

import dev.chat.domain.memory.InMemoryEventBus;
import dev.chat.domain.memory.InMemoryMessageHistory;
import dev.chat.domain.memory.InMemoryPresenceStore;
import dev.chat.domain.memory.InMemorySessionStore;
import dev.chat.domain.model.Ack;
import dev.chat.domain.model.ChatLimits;
import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.model.ServerEvent;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.nickname.SeedNicknameGenerator;
import dev.chat.domain.port.out.ClientConnection;
import dev.chat.domain.port.out.Scheduler;
import dev.chat.domain.service.ChatService;
import dev.chat.protocol.CommandDecoder;
import dev.chat.protocol.JsonEventEncoder;
import dev.chat.transport.core.Commands;
import dev.chat.transport.core.OutboundQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The delivery path of one chat message, in process: a client's frame is decoded, the message is posted (history
 * append, bus publish), encoded once, and offered to the outbound queue of every member of the room, whose sink takes
 * it at once (a socket with room to spare). What it leaves out is the network: Jetty's frame writing and the syscalls,
 * which the load harness measures. The time per operation divided by {@code members} is the cost per delivery.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 2,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RoomBroadcastBenchmark {
    /** Members of {@code general}, the sender included. */
    @Param({"1", "100", "1000"})
    int members;

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "benchmark-timers");
        thread.setDaemon(true);
        return thread;
    });
    private final List<MemberQueue> queues = new ArrayList<>();
    private Commands commands;
    private SessionToken sender;
    private long posted;

    /** A 100-character message, as the load harness sends. */
    private final String frame =
            "{\"event\":\"message\",\"data\":{\"room\":\"general\",\"text\":\"" + "x".repeat(100) + "\"}}";

    @Setup(Level.Trial)
    public void fillTheRoom() {
        InMemoryEventBus bus = new InMemoryEventBus();
        Scheduler scheduler = (delay, task) -> {
            var scheduled = timers.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> scheduled.cancel(false);
        };
        ChatService chat = new ChatService(
                new ChatService.Ports(
                        new InMemorySessionStore(),
                        new InMemoryPresenceStore(),
                        new InMemoryMessageHistory(bus, 1_000),
                        bus,
                        new SeedNicknameGenerator(new Random(1)),
                        new JsonEventEncoder(),
                        Clock.systemUTC(),
                        scheduler),
                new ChatLimits(4_000, 100, Duration.ofSeconds(10), 50));
        for (int i = 0; i < members; i++) {
            MemberQueue queue = new MemberQueue();
            SessionToken token = chat.connect(queue);
            queues.add(queue);
            if (sender == null) {
                sender = token;
            }
        }
        commands = new Commands(chat, new CommandDecoder());
    }

    /** Fails the run if any member missed a message posted (a benchmark of a broken path measures nothing). */
    @TearDown(Level.Trial)
    public void checkEveryoneGotEveryMessage() {
        timers.shutdownNow();
        for (MemberQueue queue : queues) {
            if (queue.messages != posted || queue.closed) {
                throw new IllegalStateException("a member got " + queue.messages + " of " + posted + " messages");
            }
        }
    }

    /** Messages each member received, for the check of the benchmark itself. */
    List<Long> messagesPerMember() {
        return queues.stream().map(queue -> queue.messages).toList();
    }

    @Benchmark
    public ServerEvent postToRoom() {
        ServerEvent reply = commands.carryOut(sender, frame);
        if (!(reply instanceof Ack)) {
            throw new IllegalStateException("the message was not posted: " + reply);
        }
        posted++;
        return reply;
    }

    /** A member's connection as the transports make it: a bounded outbound queue in front of a sink. */
    private static final class MemberQueue implements ClientConnection, OutboundQueue.Sink<String> {
        private final OutboundQueue<String> queue = new OutboundQueue<>(1 << 20, this);
        private long messages;
        private volatile boolean closed;

        @Override
        public void send(OutboundEvent event) {
            queue.offer(event.envelopeJson(), event.envelopeBytes());
        }

        @Override
        public void close(CloseReason reason) {
            closed = true;
        }

        @Override
        public boolean ready() {
            return true;
        }

        @Override
        public void write(String frame, int bytes) {
            if (frame.startsWith("{\"event\":\"message\"")) {
                messages++;
            }
            queue.written(bytes); // taken by the socket at once
        }

        @Override
        public void overflowed(long queuedBytes) {
            closed = true;
        }
    }
}
