package dev.chat.store.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;
import redis.clients.jedis.RedisClient;

/**
 * The Redis the tests talk to, found in this order: {@code CHAT_TEST_REDIS_URL}; else a Redis container when a Docker
 * engine answers (Testcontainers); else a {@code redis-server} on the PATH, started once per test JVM on a free port
 * in a temp dir (and stopped with the JVM). Where none exists the tests fail, saying how to get one: they never skip.
 * The first test to ask prints which one the suite uses. A container that cannot start (its image neither present nor
 * pullable within {@code pull.timeout}, see {@code testcontainers.properties}) falls back to redis-server too.
 *
 * <p>The container's image is {@code CHAT_TEST_REDIS_IMAGE} ({@code redis:7} by default, which a machine with internet
 * pulls). {@code CHAT_TEST_REDIS_NETWORK=host} runs it on the host's network on a free port instead of a mapped one:
 * CI does that with an image built from Debian's redis-server ({@code .ci/build-test-redis-image}), because no registry
 * is reachable there and a container's own address is not to be used.
 */
public final class TestRedis {
    private static final String DEFAULT_IMAGE = "redis:7";
    private static URI uri;

    private TestRedis() {}

    public static synchronized URI uri() {
        if (uri == null) {
            String configured = System.getenv("CHAT_TEST_REDIS_URL");
            if (configured != null && !configured.isBlank()) {
                uri = URI.create(configured);
                announce("CHAT_TEST_REDIS_URL " + uri);
            } else if (dockerAnswers()) {
                uri = startContainerOrLocalServer();
            } else {
                uri = startLocalServer();
                announce("redis-server process (no usable Docker engine) at " + uri);
            }
        }
        return uri;
    }

    private static AsyncConnection async;

    /** One connection whose callers do not wait, for the stores under test (its thread lives as long as the JVM). */
    public static synchronized AsyncConnection async() {
        if (async == null) {
            async = RedisStores.asyncConnection(uri(), RedisStores.Settings.DEFAULT_COMMAND_TIMEOUT);
            async.start();
        }
        return async;
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

    /** A Docker engine without the image and without a registry to pull it from falls back to redis-server. */
    private static URI startContainerOrLocalServer() {
        try {
            return startContainer();
        } catch (RuntimeException noContainer) {
            URI local = startLocalServer();
            announce("redis-server process (the Redis container did not start: " + noContainer + ") at " + local);
            return local;
        }
    }

    @SuppressWarnings("resource") // lives as long as the test JVM, stopped by its shutdown hook
    private static URI startContainer() {
        String image = setting("CHAT_TEST_REDIS_IMAGE", DEFAULT_IMAGE);
        boolean hostNetwork = "host".equals(setting("CHAT_TEST_REDIS_NETWORK", "bridge"));
        List<String> arguments = new ArrayList<>(List.of("--save", "", "--appendonly", "no"));
        GenericContainer<?> redis = new GenericContainer<>(DockerImageName.parse(image))
                .waitingFor(Wait.forLogMessage(".*Ready to accept connections.*", 1));
        int hostPort;
        if (hostNetwork) {
            hostPort = freePort();
            arguments.addAll(List.of("--port", Integer.toString(hostPort), "--bind", "127.0.0.1"));
            redis.withNetworkMode("host");
        } else {
            // reached through the bridge, not from the container's loopback
            arguments.addAll(List.of("--protected-mode", "no"));
            redis.withExposedPorts(6379);
            hostPort = -1;
        }
        // arguments only: both the stock image's entrypoint and ours start redis-server with them
        redis.withCommand(arguments.toArray(String[]::new));
        redis.start();
        Runtime.getRuntime().addShutdownHook(new Thread(redis::stop));
        URI found = hostNetwork
                ? URI.create("redis://127.0.0.1:" + hostPort)
                : URI.create("redis://" + redis.getHost() + ":" + redis.getMappedPort(6379));
        announce("Testcontainers, image " + image + (hostNetwork ? " on the host network" : "") + ", at " + found);
        return found;
    }

    private static URI startLocalServer() {
        RedisServerProcess server = RedisServerProcess.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        return server.uri();
    }

    private static void announce(String which) {
        System.out.println("[TestRedis] this test JVM uses Redis from " + which);
    }

    private static String setting(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port for the Redis container", e);
        }
    }
}
