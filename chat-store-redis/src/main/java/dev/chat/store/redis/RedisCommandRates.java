package dev.chat.store.redis;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.RateLimits;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.CommandRates;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.serialization.Mapper;
import io.github.bucket4j.redis.jedis.Bucket4jJedis;
import io.github.bucket4j.redis.jedis.RedisApi;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * Session budgets held in Redis by Bucket4j, so every node that handles a session's commands takes from the same
 * bucket. A bucket's key expires once it would be full again (a full bucket is the same as none). Each take is a read
 * and a compare-and-swap script, through the same bounded calls as everything else; when Redis does not answer the
 * command is let through (the command itself then meets the same Redis and is refused if it is down).
 */
final class RedisCommandRates implements CommandRates {
    private static final Logger log = LoggerFactory.getLogger(RedisCommandRates.class);

    private final RateLimits limits;
    private final RedisKeys keys;
    private final ProxyManager<String> buckets;
    private final Map<RateLimits.Kind, BucketConfiguration> configurations = new EnumMap<>(RateLimits.Kind.class);

    RedisCommandRates(UnifiedJedis redis, RedisCalls calls, RedisKeys keys, RateLimits limits) {
        this.limits = requireNonNull(limits, "limits");
        this.keys = requireNonNull(keys, "keys");
        this.buckets = new Bucket4jJedis.JedisBasedProxyManagerBuilder<>(Mapper.STRING, guarded(redis, calls))
                .expirationAfterWrite(
                        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(1)))
                .build();
        for (RateLimits.Kind kind : RateLimits.Kind.values()) {
            RateLimits.Budget budget = limits.of(kind);
            if (budget.limited()) {
                configurations.put(kind, configuration(budget));
            }
        }
    }

    @Override
    public Optional<Duration> take(SessionToken session, RateLimits.Kind kind) {
        BucketConfiguration configuration = configurations.get(kind);
        if (configuration == null) {
            return Optional.empty();
        }
        ConsumptionProbe probe;
        try {
            probe = buckets.builder()
                    .build(keys.rate(session, kind), () -> configuration)
                    .tryConsumeAndReturnRemaining(1);
        } catch (ChatException redisDown) {
            log.debug("rate budget not checked, Redis did not answer: {}", redisDown.getMessage());
            return Optional.empty();
        }
        return probe.isConsumed() ? Optional.empty() : Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }

    @Override
    public RateLimits limits() {
        return limits;
    }

    /** A token bucket of the budget's burst, refilled greedily (a token every 1/perSecond s). */
    private static BucketConfiguration configuration(RateLimits.Budget budget) {
        return BucketConfiguration.builder()
                .addLimit(
                        limit -> limit.capacity(budget.burst()).refillGreedy(budget.perSecond(), Duration.ofSeconds(1)))
                .build();
    }

    /** Bucket4j's three Redis operations on our client, each bounded like every other call. */
    private static RedisApi guarded(UnifiedJedis redis, RedisCalls calls) {
        return new RedisApi() {
            @Override
            public Object eval(byte[] script, int keyCount, byte[]... params) {
                return calls.write(() -> redis.eval(script, keyCount, params));
            }

            @Override
            public byte[] get(byte[] key) {
                return calls.call(() -> redis.get(key));
            }

            @Override
            public void delete(byte[] key) {
                calls.write(() -> redis.del(key));
            }
        };
    }
}
