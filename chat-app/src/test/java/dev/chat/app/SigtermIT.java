package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.app.support.ChatProcess;
import dev.chat.app.support.RawUpgrade;
import dev.chat.app.support.WsTestClient;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar, run as README says, drains on SIGTERM: unready at once, new connections refused after the accept
 * window, clients moved away one by one over the drain window (1012), then it exits.
 */
class SigtermIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private Process process;

    @AfterEach
    void killLeftovers() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Test
    void givenRunningJar_whenSigtermArrives_itDrainsItsClientsOverTheWindowAndExits() throws Exception {
        int port = ChatProcess.freePort();
        File log = File.createTempFile("chat-sigterm", ".log");
        ProcessBuilder builder = ChatProcess.packagedJarOnLoopback(port, ProcessBuilder.Redirect.to(log));
        builder.environment().put("CHAT_DRAIN_ACCEPT_SECONDS", "1");
        builder.environment().put("CHAT_DRAIN_SECONDS", "3");
        builder.environment().put("CHAT_WARMUP_SECONDS", "5"); // at most: within the wait for /ready below
        process = builder.start();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> status(port, "/ready") == 200);
        assertThat(Files.readString(log.toPath()))
                .as("the jar warms up before it opens its port")
                .contains("WarmUp - warmed up in");
        URI chat = URI.create("ws://127.0.0.1:" + port + "/chat");
        List<WsTestClient> clients = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            clients.add(WsTestClient.connect(chat).awaitJoined());
        }

        process.destroy(); // SIGTERM on Unix

        await().atMost(Duration.ofSeconds(1)).until(() -> status(port, "/ready") == 503);
        assertThat(status(port, "/health")).isEqualTo(200); // alive while it drains
        // Probing with a resume of an unknown session: taken (101, then 4401) it makes no session to hand off.
        URI probe = URI.create(chat + "?session=" + "unknown-session-0000000000");
        await().atMost(Duration.ofSeconds(5)).until(() -> RawUpgrade.statusOf(probe) == 503);
        List<Long> closedAtNanos = new ArrayList<>();
        for (WsTestClient client : clients) {
            assertThat(client.awaitCloseCode()).isEqualTo(1012);
            closedAtNanos.add(client.closedAtNanos());
        }
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(143); // 128 + SIGTERM: the JVM ran its shutdown hooks
        long spreadMillis = TimeUnit.NANOSECONDS.toMillis(closedAtNanos.stream()
                        .mapToLong(Long::longValue)
                        .max()
                        .orElseThrow()
                - closedAtNanos.stream().mapToLong(Long::longValue).min().orElseThrow());
        assertThat(spreadMillis)
                .as("clients moved over the window, not at once")
                .isGreaterThan(1_500);
    }

    private static int status(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
