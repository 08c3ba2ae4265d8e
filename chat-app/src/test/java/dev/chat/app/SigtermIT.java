package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.app.support.WsTestClient;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The packaged jar, run as README says, stops cleanly on SIGTERM and tells clients 1001. */
class SigtermIT {
    private static final Path JAR = Path.of("target", "chat-app.jar");
    private Process process;

    @AfterEach
    void killLeftovers() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Test
    void givenRunningJar_whenSigtermArrives_clientsGet1001AndTheProcessExits() throws Exception {
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-jar", JAR.toString())
                .redirectErrorStream(true)
                .redirectOutput(File.createTempFile("chat-sigterm", ".log"));
        builder.environment().put("CHAT_PORT", Integer.toString(port));
        builder.environment().put("CHAT_HOST", "127.0.0.1");
        process = builder.start();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> health(port) == 200);
        WsTestClient client = WsTestClient.connect(URI.create("ws://127.0.0.1:" + port + "/chat"));
        client.welcome();

        process.destroy(); // SIGTERM on Unix

        assertThat(client.awaitCloseCode()).isEqualTo(1001);
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(143); // 128 + SIGTERM: the JVM ran its shutdown hooks
    }

    private static int health(int port) throws IOException, InterruptedException {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
