package dev.chat.store.redis;

import dev.chat.relay.SessionRelayContract;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;

class RedisSessionRelayIT extends SessionRelayContract {
    private RedisStores stores;

    @Override
    protected Node createNode() {
        stores = RedisStores.at(
                TestRedis.uri(),
                new RedisStores.Settings(
                        "test-relay-" + UUID.randomUUID(),
                        100,
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(15),
                        Duration.ofSeconds(5)),
                Clock.systemUTC());
        stores.start();
        return new Node(stores.sessions(), stores.relay());
    }

    @AfterEach
    void closeStores() {
        stores.close();
    }
}
