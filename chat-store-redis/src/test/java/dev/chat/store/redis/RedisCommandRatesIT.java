package dev.chat.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.domain.contract.CommandRatesContract;
import dev.chat.domain.model.RateLimits;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.CommandRates;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

class RedisCommandRatesIT extends CommandRatesContract {
    private final String namespace = "test-rates-" + UUID.randomUUID();
    private final List<RedisStores> nodes = new ArrayList<>();

    @Override
    protected CommandRates rates(RateLimits limits) {
        return node().commandRates(limits);
    }

    private RedisStores node() {
        RedisStores stores = RedisStores.at(
                TestRedis.uri(),
                new RedisStores.Settings(
                        namespace, 100, Duration.ofSeconds(30), Duration.ofSeconds(15), Duration.ofSeconds(5)),
                Clock.systemUTC());
        stores.start();
        nodes.add(stores);
        return stores;
    }

    @AfterEach
    void closeNodes() {
        nodes.forEach(RedisStores::close);
    }

    @Test
    void givenTwoNodes_aSessionTakesFromOneBudgetWhereverItsCommandsLand() {
        CommandRates nodeA = rates(LIMITS);
        CommandRates nodeB = rates(LIMITS);
        SessionToken session = SessionToken.generate();

        int taken = 0;
        for (int i = 0; i < 10; i++) {
            CommandRates node = i % 2 == 0 ? nodeA : nodeB;
            taken += node.take(session, RateLimits.Kind.MESSAGES).isEmpty() ? 1 : 0;
        }

        assertThat(taken).isBetween(5, 6); // the burst of 5, and at most one refilled meanwhile
    }

    @Test
    void givenABucket_itsKeyExpiresOnceItWouldBeFullAgain() {
        CommandRates rates = rates(LIMITS);
        SessionToken session = SessionToken.generate();
        rates.take(session, RateLimits.Kind.ROOMS);

        try (Jedis redis = new Jedis(TestRedis.uri())) {
            long ttl = redis.pttl(new RedisKeys(namespace).rate(session, RateLimits.Kind.ROOMS));
            // One token of 3 at 2 a second refills in 0.5 s; the key outlives that by at most a second.
            assertThat(ttl).isPositive().isLessThanOrEqualTo(1_500);
        }
    }
}
