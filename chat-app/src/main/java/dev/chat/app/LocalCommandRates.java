package dev.chat.app;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.RateLimits;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.CommandRates;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Session budgets in this node's memory (a single node: every command of a session is handled here), one Bucket4j
 * bucket per session and kind. A bucket that has filled up again is the same as none, so such buckets are dropped
 * from time to time: memory follows the sessions that sent something lately. Thread-safe.
 */
final class LocalCommandRates implements CommandRates {
    /** Look for full buckets to drop after this many new ones. */
    private static final int SWEEP_EVERY = 10_000;

    private record Key(SessionToken session, RateLimits.Kind kind) {}

    private final RateLimits limits;
    private final Map<Key, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicInteger createdSinceSweep = new AtomicInteger();

    LocalCommandRates(RateLimits limits) {
        this.limits = requireNonNull(limits, "limits");
    }

    @Override
    public Optional<Duration> take(SessionToken session, RateLimits.Kind kind) {
        RateLimits.Budget budget = limits.of(kind);
        if (!budget.limited()) {
            return Optional.empty();
        }
        Bucket bucket = buckets.computeIfAbsent(new Key(session, kind), key -> newBucket(budget));
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? Optional.empty() : Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }

    @Override
    public RateLimits limits() {
        return limits;
    }

    int bucketCount() {
        return buckets.size();
    }

    private Bucket newBucket(RateLimits.Budget budget) {
        if (createdSinceSweep.incrementAndGet() >= SWEEP_EVERY) {
            createdSinceSweep.set(0);
            dropFullBuckets();
        }
        return Bucket.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(budget.burst())
                        .refillGreedy(budget.perSecond(), Duration.ofSeconds(1))
                        .build())
                .build();
    }

    /** A full bucket allows what a new one would. */
    void dropFullBuckets() {
        buckets.entrySet()
                .removeIf(entry -> entry.getValue().getAvailableTokens()
                        >= limits.of(entry.getKey().kind()).burst());
    }
}
