package dev.chat.store.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import redis.clients.jedis.Jedis;

/** A {@code redis-server} process of a test's own (no persistence), which the test may kill and start again. */
public final class RedisServerProcess implements AutoCloseable {
    private final int port;
    private final Path dir;
    private Process process;

    private RedisServerProcess(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    /** Starts one on a free port; fails with how to install it when there is no {@code redis-server}. */
    public static RedisServerProcess start() {
        try {
            RedisServerProcess server = new RedisServerProcess(freePort(), Files.createTempDirectory("chat-redis"));
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

    /** Starts the server on its port again, empty, as a Redis without persistence comes back. */
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
                        "no",
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

    /** SIGKILL: no goodbye to any client. */
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
