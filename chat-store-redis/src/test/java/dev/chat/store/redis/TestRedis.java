package dev.chat.store.redis;

import java.net.URI;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;
import redis.clients.jedis.RedisClient;

/**
 * The Redis the tests talk to, found in this order: {@code CHAT_TEST_REDIS_URL}; else a Redis container when a Docker
 * engine answers (Testcontainers); else a {@code redis-server} on the PATH, started once per test JVM on a free port
 * in a temp dir (and stopped with the JVM). Where none exists the tests fail, saying how to get one: they never skip.
 */
public final class TestRedis {
    private static URI uri;

    private TestRedis() {}

    public static synchronized URI uri() {
        if (uri == null) {
            String configured = System.getenv("CHAT_TEST_REDIS_URL");
            if (configured != null && !configured.isBlank()) {
                uri = URI.create(configured);
            } else if (dockerAnswers()) {
                uri = startContainer();
            } else {
                uri = startLocalServer();
            }
        }
        return uri;
    }

    public static RedisClient client() {
        return RedisClient.create(uri());
    }

    private static boolean dockerAnswers() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError noDocker) {
            return false;
        }
    }

    @SuppressWarnings("resource") // lives as long as the test JVM; Testcontainers' reaper removes it
    private static URI startContainer() {
        GenericContainer<?> redis = new GenericContainer<>(DockerImageName.parse("redis:7"))
                .withExposedPorts(6379)
                .withCommand("redis-server", "--save", "", "--appendonly", "no");
        redis.start();
        return URI.create("redis://" + redis.getHost() + ":" + redis.getMappedPort(6379));
    }

    private static URI startLocalServer() {
        RedisServerProcess server = RedisServerProcess.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        return server.uri();
    }
}
