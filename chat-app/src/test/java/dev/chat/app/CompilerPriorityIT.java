package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.app.support.ChatProcess;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The packaged jar, run as README says, puts its C2 compiler thread at nice 10 once warm, and nothing else. */
@EnabledOnOs(OS.LINUX) // a thread's nice value is its own only on Linux
class CompilerPriorityIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private Process process;

    @AfterEach
    void stop() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    @Test
    void givenTheJarReady_itsOptimisingCompilerRunsAtNiceTen_andTheThreadsServingClientsAtZero() throws Exception {
        int port = ChatProcess.freePort();
        File log = File.createTempFile("chat-compiler-priority", ".log");
        ProcessBuilder builder = ChatProcess.packagedJarOnLoopback(port, ProcessBuilder.Redirect.to(log));
        builder.environment().put("CHAT_WARMUP_SECONDS", "3");
        process = builder.start();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> readyStatus(port) == 200);

        Map<String, List<Integer>> niceByThread = niceValuesByThreadName(process.pid());

        assertThat(niceByThread.get("C2 CompilerThre"))
                .as(Files.readString(log.toPath()))
                .containsOnly(10);
        assertThat(niceByThread.get("C1 CompilerThre")).containsOnly(0);
        assertThat(niceByThread.get("JettyServerThre")).isNotEmpty().containsOnly(0);
    }

    private static int readyStatus(int port) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
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
