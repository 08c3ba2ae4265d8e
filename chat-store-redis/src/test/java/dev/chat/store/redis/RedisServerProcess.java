package dev.chat.store.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import redis.clients.jedis.Jedis;

/**
 * A {@code redis-server} process of a test's own, which the test may kill and start again: without persistence it
 * comes back empty; with it (an append-only file synced on every write) it comes back with everything it acknowledged.
 */
public final class RedisServerProcess implements AutoCloseable {
    private final int port;
    private final Path dir;
    private final boolean persistent;
    private Process process;

    private RedisServerProcess(int port, Path dir, boolean persistent) {
        this.port = port;
        this.dir = dir;
        this.persistent = persistent;
    }

    /** Starts one without persistence on a free port; fails with how to install it when there is none. */
    public static RedisServerProcess start() {
        return start(false);
    }

    /** Starts one that keeps its data across a kill (append-only file, fsync on every write). */
    public static RedisServerProcess startPersistent() {
        return start(true);
    }

    private static RedisServerProcess start(boolean persistent) {
        try {
            RedisServerProcess server =
                    new RedisServerProcess(freePort(), Files.createTempDirectory("chat-redis"), persistent);
            server.startAgain();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Redis tests need redis-server on the PATH (Debian: apt-get install -y redis-server) "
                            + "or CHAT_TEST_REDIS_URL",
                    e);
        }
    }

    public URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    /** Starts the server on its port again: empty, or with its data if it is persistent. */
    public void startAgain() throws IOException {
        process = new ProcessBuilder(
                        "redis-server",
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        persistent ? "yes" : "no",
                        "--appendfsync",
                        "always",
                        "--dir",
                        dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .until(() -> {
                    try (Jedis client = new Jedis(uri())) {
                        return "PONG".equals(client.ping());
                    }
                });
    }

    /** SIGSTOP: the server keeps its connections open and answers nothing, as a stalled Redis does. */
    public void freeze() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** SIGCONT: the frozen server carries on with what it was sent meanwhile. */
    public void thaw() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        // bash's own kill: no procps needed on a bare machine
        int exit = new ProcessBuilder("bash", "-c", "kill " + signal + " " + process.pid())
                .inheritIO()
                .start()
                .waitFor();
        if (exit != 0) {
            throw new IOException("kill " + signal + " failed with " + exit);
        }
    }

    /** SIGKILL: no goodbye to any client. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() {
        process.destroyForcibly(); // SIGKILL ends a stopped process too
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
