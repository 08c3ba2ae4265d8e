package dev.chat.store.redis;

import java.net.URI;
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
        RedisServerProcess server = RedisServerProcess.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        return server.uri();
    }
}
