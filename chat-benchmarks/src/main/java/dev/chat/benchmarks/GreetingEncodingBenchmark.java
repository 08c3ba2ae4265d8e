package dev.chat.benchmarks;

import dev.chat.domain.model.ActiveUsers;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.RoomPosition;
import dev.chat.domain.nickname.SeedNicknameGenerator;
import dev.chat.protocol.JsonEventEncoder;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a joiner's member list costs to encode: a big room's {@code activeUsers} (the first 200 names and the count) is
 * encoded for each joiner, and a WebSocket takes it as UTF-8 bytes. Run with {@code -prof gc} for the bytes allocated
 * per list ({@code gc.alloc.rate.norm}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class GreetingEncodingBenchmark {
    /** Names in the list: the default member-list limit, and a small room. */
    @Param({"200", "10"})
    int names;

    private final JsonEventEncoder encoder = new JsonEventEncoder();
    private ActiveUsers list;

    @Setup
    public void makeTheList() {
        SeedNicknameGenerator generator = new SeedNicknameGenerator(new Random(7));
        TreeSet<Nickname> sorted = new TreeSet<>();
        while (sorted.size() < names) {
            sorted.add(generator.next());
        }
        list = new ActiveUsers(
                RoomName.GENERAL, List.copyOf(sorted), new RoomPosition("U6G3qV7G7bY", 42), 20_000, false);
    }

    /** Encoded and turned into the bytes a WebSocket frame carries. */
    @Benchmark
    public byte[] encodeForAWebSocket() {
        return encoder.encode(list).envelopeUtf8();
    }
}
