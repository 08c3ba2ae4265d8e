package dev.chat.app.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * The packaged service ({@code target/chat-app.jar}) as a process of its own, which a test may SIGKILL, or SIGTERM and
 * start again on the same port (as a rolling deploy does behind a balancer).
 */
public final class ChatProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Map<String, String> environment;
    private final int port;
    private final Path logFile;
    private volatile Process process;

    private ChatProcess(Map<String, String> environment, int port, Path logFile) {
        if (environment.containsKey("CHAT_PORT") || environment.containsKey("CHAT_HOST")) {
            throw new IllegalArgumentException("the node's port and host are its own (a free port on 127.0.0.1)");
        }
        this.environment = Map.copyOf(environment);
        this.port = port;
        this.logFile = logFile;
    }

    /** Starts it on a free port with these settings (environment variables), output to a temp file. */
    public static ChatProcess start(Map<String, String> environment) {
        try {
            ChatProcess node = new ChatProcess(environment, freePort(), Files.createTempFile("chat-node", ".log"));
            node.startAgain();
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the service again on its port, with the same settings; its output is appended to the same file. */
    public void startAgain() {
        try {
            ProcessBuilder builder = packagedJarOnLoopback(port, ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            // the warm-up's own tests are WarmUpIT and SigtermIT: these nodes warm up as briefly as they used to
            builder.environment().put("CHAT_WARMUP_SECONDS", "5");
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** The running process's id (the JVM's, as the operating system knows it). */
    public long pid() {
        return process.pid();
    }

    /** Where its output goes, for a test's failure message. */
    public Path logFile() {
        return logFile;
    }

    /** Waits until {@code /ready} answers 200. */
    public void awaitReady(Duration atMost) {
        URI ready = URI.create("http://127.0.0.1:" + port + "/ready");
        Awaitility.await()
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> HTTP.send(
                                        HttpRequest.newBuilder(ready)
                                                .timeout(Duration.ofSeconds(2))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200);
    }

    /** SIGTERM, as an orchestrator stops it: it drains. */
    public void terminate() {
        process.destroy();
    }

    /** Waits for the process to end; its exit status, or an assertion error if it outlives {@code atMost}. */
    public int awaitExit(Duration atMost) throws InterruptedException {
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("node on port " + port + " still running after " + atMost + "; log: " + logFile);
        }
        return process.exitValue();
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

    /** {@code java -jar target/chat-app.jar} with these arguments, on the JVM that runs the tests. */
    public static ProcessBuilder packagedJar(String... arguments) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                Path.of("target", "chat-app.jar").toString()));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command);
    }

    /**
     * {@link #packagedJar} serving {@code port} on 127.0.0.1 only, its output (both streams) to {@code output}; the
     * caller adds its own environment and starts it.
     */
    public static ProcessBuilder packagedJarOnLoopback(int port, ProcessBuilder.Redirect output, String... arguments) {
        ProcessBuilder builder =
                packagedJar(arguments).redirectErrorStream(true).redirectOutput(output);
        builder.environment().put("CHAT_PORT", Integer.toString(port));
        builder.environment().put("CHAT_HOST", "127.0.0.1");
        return builder;
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
