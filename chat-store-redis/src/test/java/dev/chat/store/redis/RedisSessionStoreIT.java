package dev.chat.store.redis;

import dev.chat.domain.contract.SessionStoreContract;
import dev.chat.domain.port.out.SessionStore;
import java.time.Duration;

class RedisSessionStoreIT extends SessionStoreContract {
    @Override
    protected SessionStore createSessionStore() {
        return new RedisSessionStore(
                TestRedis.client(),
                new RedisCalls(64),
                new RedisKeys("test-sessions"),
                Duration.ofMinutes(5),
                "contract-node",
                (node, notice) -> 0);
    }
}
