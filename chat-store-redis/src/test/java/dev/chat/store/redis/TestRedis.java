package dev.chat.store.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import redis.clients.jedis.JedisPooled;

/**
 * The Redis the tests talk to, found in this order: {@code CHAT_TEST_REDIS_URL}; else a {@code redis-server} on the
 * PATH, started once per test JVM on a free port in a temp dir (and stopped with the JVM). Where neither exists the
 * tests fail, saying how to get one: they never skip. (Testcontainers, for machines with Docker, is planned.)
 */
public final class TestRedis {
    private static URI uri;

    private TestRedis() {}

    public static synchronized URI uri() {
        if (uri == null) {
            String configured = System.getenv("CHAT_TEST_REDIS_URL");
            uri = configured != null && !configured.isBlank() ? URI.create(configured) : startLocalServer();
        }
        return uri;
    }

    public static JedisPooled client() {
        return new JedisPooled(uri());
    }

    private static URI startLocalServer() {
        try {
            int port = freePort();
            Path dir = Files.createTempDirectory("chat-test-redis");
            Process server = new ProcessBuilder(
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
            Runtime.getRuntime().addShutdownHook(new Thread(server::destroy));
            URI started = URI.create("redis://127.0.0.1:" + port);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .ignoreExceptions()
                    .until(() -> {
                        try (JedisPooled client = new JedisPooled(started)) {
                            return "PONG".equals(client.ping());
                        }
                    });
            if (!server.isAlive()) {
                throw new IllegalStateException("redis-server exited; see " + dir.resolve("redis.log"));
            }
            return started;
        } catch (IOException e) {
            throw new IllegalStateException(
                    "Redis tests need a Redis: set CHAT_TEST_REDIS_URL=redis://host:port, or install redis-server "
                            + "(Debian: apt-get install -y redis-server)",
                    e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
