package dev.chat.transport.core;

import static java.util.Objects.requireNonNull;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * Whether this node takes a new connection (a WebSocket upgrade, an event stream, a first poll), decided before any
 * session is made: not while it is draining, not beyond {@code maxConnections} open ones, not faster than
 * {@code connectsPerSecond} (a token bucket with a burst of one second's worth, so a reconnect storm after a
 * neighbour died is spread instead of served all at once). A refusal says how long to wait. Thread-safe.
 */
public final class Admission {
    /** Why a connection was refused, and when to try again (a {@code Retry-After}). */
    public record Refusal(String reason, Duration retryAfter) {
        /** The {@code Retry-After} header's value: whole seconds, at least one. */
        public String retryAfterHeader() {
            return Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000));
        }
    }

    private static final Duration RETRY_WHEN_FULL = Duration.ofSeconds(5);

    private final int maxConnections;
    private final IntSupplier openConnections;
    private final Bucket connects;
    private volatile Duration closedFor;

    /**
     * @param maxConnections open connections beyond which new ones are refused; 0 for no limit
     * @param connectsPerSecond new connections per second; 0 for no limit
     * @param openConnections how many are open now, over all transports
     */
    public Admission(int maxConnections, int connectsPerSecond, IntSupplier openConnections) {
        if (maxConnections < 0 || connectsPerSecond < 0) {
            throw new IllegalArgumentException("limits must not be negative (0 disables one)");
        }
        this.maxConnections = maxConnections;
        this.openConnections = requireNonNull(openConnections, "openConnections");
        this.connects = connectsPerSecond == 0
                ? null
                : Bucket.builder()
                        .addLimit(Bandwidth.builder()
                                .capacity(connectsPerSecond)
                                .refillGreedy(connectsPerSecond, Duration.ofSeconds(1))
                                .build())
                        .build();
    }

    /** Takes every connection. */
    public static Admission unlimited() {
        return new Admission(0, 0, () -> 0);
    }

    /** From now on every new connection is refused (the node is draining); clients try again after {@code retry}. */
    public void closeDoors(Duration retry) {
        closedFor = requireNonNull(retry, "retry");
    }

    /** Empty if a new connection may be made now (it is counted against the rate); else why not. */
    public Optional<Refusal> admit() {
        Duration closed = closedFor;
        if (closed != null) {
            return Optional.of(new Refusal("this node is restarting; connect to another", closed));
        }
        if (maxConnections > 0 && openConnections.getAsInt() >= maxConnections) {
            return Optional.of(new Refusal("this node is full", RETRY_WHEN_FULL));
        }
        if (connects != null) {
            ConsumptionProbe probe = connects.tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                Duration wait = Duration.ofNanos(probe.getNanosToWaitForRefill());
                return Optional.of(new Refusal("too many new connections; try again shortly", atLeastASecond(wait)));
            }
        }
        return Optional.empty();
    }

    /** Retry-After is in whole seconds. */
    private static Duration atLeastASecond(Duration wait) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        return Duration.ofSeconds(seconds);
    }
}
