package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.app.support.ChatProcess;
import dev.chat.store.redis.RedisServerProcess;
import dev.chat.store.redis.RedisStores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The packaged jar puts its C2 compiler thread at nice 10 once warm and, over Redis, its opening thread at nice 5, and
 * nothing else.
 */
@EnabledOnOs(OS.LINUX) // a thread's nice value is its own only on Linux
class ThreadPriorityIT {

    @Test
    void givenTheJarReady_itsOptimisingCompilerRunsAtNiceTen_andTheThreadsServingClientsAtZero() throws Exception {
        try (ChatProcess node = ChatProcess.start(Map.of("CHAT_WARMUP_SECONDS", "3"))) {
            node.awaitReady(Duration.ofSeconds(30));

            Map<String, List<Integer>> niceByThread = niceValuesByThreadName(node.pid());

            assertThat(niceByThread.get("C2 CompilerThre"))
                    .as(Files.readString(node.logFile()))
                    .containsOnly(10);
            assertThat(niceByThread.get("C1 CompilerThre")).containsOnly(0);
            assertThat(niceByThread.get("JettyServerThre")).isNotEmpty().containsOnly(0);
        }
    }

    @Test
    void givenTheJarOnRedis_itsOpeningThreadRunsAtNiceFive_andTheThreadsFanningOutAtZero() throws Exception {
        try (RedisServerProcess redis = RedisServerProcess.start();
                ChatProcess node = ChatProcess.start(Map.of(
                        "CHAT_WARMUP_SECONDS",
                        "0",
                        "CHAT_REDIS_URL",
                        redis.uri().toString()))) {
            node.awaitReady(Duration.ofSeconds(30));

            Map<String, List<Integer>> niceByThread = niceValuesByThreadName(node.pid());

            assertThat(niceByThread.get(RedisStores.OPENING_THREAD))
                    .as(Files.readString(node.logFile()))
                    .containsExactly(5);
            assertThat(niceByThread.get("redis-room-deli")).isNotEmpty().containsOnly(0);
            assertThat(niceByThread.get("JettyServerThre")).isNotEmpty().containsOnly(0);
        }
    }

    /** Each thread name of the process (as Linux keeps it) with the nice values of the threads that have it. */
    private static Map<String, List<Integer>> niceValuesByThreadName(long pid) throws IOException {
        Map<String, List<Integer>> nice = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat = Files.readString(task.resolve("stat"));
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                // the 19th field of stat, the 17th after the name
                int value = Integer.parseInt(
                        stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
                nice.computeIfAbsent(name, any -> new ArrayList<>()).add(value);
            }
        }
        return nice;
    }
}
