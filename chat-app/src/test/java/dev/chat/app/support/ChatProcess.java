package dev.chat.app.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;

/** The packaged service ({@code target/chat-app.jar}) as a process of its own, which a test may SIGKILL. */
public final class ChatProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private ChatProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts it on a free port with these settings (environment variables), output to a temp file. */
    public static ChatProcess start(Map<String, String> environment) {
        try {
            int port = freePort();
            ProcessBuilder builder = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-jar",
                            Path.of("target", "chat-app.jar").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(File.createTempFile("chat-node", ".log"));
            builder.environment().putAll(environment);
            builder.environment().put("CHAT_PORT", Integer.toString(port));
            builder.environment().put("CHAT_HOST", "127.0.0.1");
            return new ChatProcess(builder.start(), port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI chatUri() {
        return URI.create("ws://127.0.0.1:" + port + "/chat");
    }

    /** A WebSocket client in general, once the process accepts connections. */
    public WsTestClient clientWhenUp() {
        WsTestClient[] client = new WsTestClient[1];
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> (client[0] = WsTestClient.connect(chatUri())) != null);
        return client[0].awaitJoined();
    }

    /** SIGKILL: no goodbye to anyone, no cleanup. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
