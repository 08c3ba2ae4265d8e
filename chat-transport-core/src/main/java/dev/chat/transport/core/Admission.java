package dev.chat.transport.core;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.port.out.StoreWaits;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Whether this node takes a new connection (a WebSocket upgrade, an event stream, a first poll), decided before any
 * session is made: not while it is draining, not beyond {@code maxConnections} open ones, not faster than
 * {@code connectsPerSecond} (a token bucket with a burst of one second's worth, so a reconnect storm after a
 * neighbour died is spread instead of served all at once). A refusal says how long to wait. Thread-safe.
 *
 * <p>At most {@code maxOpening} connections are being opened at once (handshake, session, presence, first snapshot),
 * not counting those waiting on a store meanwhile, which give their turn to the next ({@link StoreWaits}); the next
 * ones wait for a turn (parked in arrival order, though one arriving just as a turn comes free takes it), at
 * most {@link #OPENING_WAIT}, and are refused when more than {@link #MAX_WAITING} already wait. Opening is CPU work: a
 * crowd of hundreds opened at once on a few cores takes the CPU from the threads delivering messages to those already
 * in (a message then took seconds to reach a busy room), and from the JIT compiler that would make opening cheap.
 * Opened a few at a time, the same crowd gets in as fast or faster and a message still arrives in milliseconds
 * (docs/performance-log.md, "Big rooms").
 */
public final class Admission {
    /** Why a connection was refused, and when to try again (a {@code Retry-After}). */
    public record Refusal(String reason, Duration retryAfter) {
        /** The {@code Retry-After} header's value: whole seconds, at least one. */
        public String retryAfterHeader() {
            return Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000));
        }
    }

    /**
     * The answer to one new connection: refused, or admitted with a turn among those being opened, which
     * {@link #opened()} gives back once the connection is open or has failed. While the opening waits on a store, its
     * turn goes to the next connect ({@link StoreWaits}).
     */
    public static final class Entry implements StoreWaits.Turn {
        private static final int HOLDING = 0;
        private static final int GIVEN_UP = 1;
        /** Went on without a turn after waiting {@link #TAKE_BACK_WAIT} for one; still under way. */
        private static final int WITHOUT_TURN = 2;

        private static final int DONE = 3;

        private final Refusal refusal;
        private final OpeningTurns turns;
        private final AtomicInteger state = new AtomicInteger(HOLDING);

        private Entry(Refusal refusal, OpeningTurns turns) {
            this.refusal = refusal;
            this.turns = turns;
        }

        /** Present if the connection must not be made. */
        public Optional<Refusal> refusal() {
            return Optional.ofNullable(refusal);
        }

        /** The connection is open, or will not be: the next one may start opening. Idempotent. */
        public void opened() {
            if (turns == null) {
                return;
            }
            int before = state.getAndSet(DONE);
            if (before != DONE) {
                turns.finish(before == HOLDING);
            }
        }

        @Override
        public void giveUp() {
            if (turns != null && state.compareAndSet(HOLDING, GIVEN_UP)) {
                turns.giveUp();
            }
        }

        @Override
        public void takeBack() {
            if (turns == null || state.get() != GIVEN_UP) {
                return;
            }
            if (!turns.takeBack()) {
                state.compareAndSet(GIVEN_UP, WITHOUT_TURN); // one opening too many for a while, rather than stuck
                turns.wentOnWithoutTurn();
                return;
            }
            if (!state.compareAndSet(GIVEN_UP, HOLDING)) {
                turns.giveUp(); // opened meanwhile (by another thread): the turn is not this entry's any more
            }
        }
    }

    /**
     * How long a connect waits for its turn to be opened before it is refused: the browser library's open timeout, as
     * a client gives up then anyway. A cold server (interpreted code) opened only ~100 a second, so 2 s turned away
     * part of a 200-handshake burst.
     */
    public static final Duration OPENING_WAIT = Duration.ofSeconds(5);

    /**
     * Connects that may wait for their turn; more are refused at once. Each waits parked on a server thread, so the
     * server's pool must hold this many threads beyond those serving the open connections (chat-app sizes Jetty's
     * so). A burst of a few hundred handshakes (a reconnect storm, a load generator's 200 in flight) waits in line.
     */
    public static final int MAX_WAITING = 256;

    /**
     * How long an opening back from a store waits for a turn before it goes on without one. Openings back from a
     * store come first, so this is reached only when the turns' holders wait for a lock the opening holds (two
     * connects of one session, say); then one opening too many runs for a while instead of all of them waiting.
     */
    static final Duration TAKE_BACK_WAIT = Duration.ofMillis(100);

    /**
     * Openings under way per turn, counting those waiting on a store: enough to keep the turns busy through Redis's
     * round trips (three a connect, one after another). A WebSocket connect waits on no thread and takes no turn of
     * the store's while its commands are out, so the more are under way, the more of them share each write to Redis:
     * 8 a turn opened 1,300-1,600 connects a second with Redis, 32 about 1,600-2,200, 64 about 1,800-2,800
     * (docs/performance-log.md, "A connect that waits on no one"). A resume, or a connect over HTTP, still waits on
     * the store's calls, one at a time: on one or two cores that many stay within chat-store-redis's bound on calls
     * (32 at once, 96 waiting), past which the store refuses the rest. It also keeps new handshakes at most this many
     * openings ahead of the welcomes: with a thousand, handshakes ran up to twice as fast while clients got their
     * welcomes no sooner (docs/performance-log.md, "What `conns` counts on Redis").
     */
    static final int IN_PROGRESS_PER_TURN = 64;

    private static final Duration RETRY_WHEN_FULL = Duration.ofSeconds(5);
    private static final Duration RETRY_WHEN_BUSY = Duration.ofSeconds(1);

    private final int maxConnections;
    private final IntSupplier openConnections;
    private final Bucket connects;
    private final OpeningTurns opening;
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile Duration closedFor;

    /**
     * @param maxConnections open connections beyond which new ones are refused; 0 for no limit
     * @param connectsPerSecond new connections per second; 0 for no limit
     * @param maxOpening connections being opened at once; 0 for no limit
     * @param openConnections how many are open now, over all transports
     */
    public Admission(int maxConnections, int connectsPerSecond, int maxOpening, IntSupplier openConnections) {
        this(maxConnections, connectsPerSecond, maxOpening, openConnections, TAKE_BACK_WAIT);
    }

    /** With another wait for a turn back than {@link #TAKE_BACK_WAIT} (tests). */
    Admission(
            int maxConnections,
            int connectsPerSecond,
            int maxOpening,
            IntSupplier openConnections,
            Duration takeBackWait) {
        if (maxConnections < 0 || connectsPerSecond < 0 || maxOpening < 0) {
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
        this.opening =
                maxOpening == 0 ? null : new OpeningTurns(maxOpening, IN_PROGRESS_PER_TURN * maxOpening, takeBackWait);
    }

    /** Takes every connection at once. */
    public static Admission unlimited() {
        return new Admission(0, 0, 0, () -> 0);
    }

    /** Twice the cores this JVM may use: the default number of connections opened at once. */
    public static int defaultMaxOpening() {
        return 2 * Runtime.getRuntime().availableProcessors();
    }

    /**
     * The cores this JVM may use: the default with a store over the network, whose waits do not hold a turn. With
     * twice the cores there, a join storm's messages took 480-1,302 ms at p99 against 303-433 ms before turns were
     * given up; with the cores, 350-476 ms, while a crowd got in 20 % faster (docs/performance-log.md).
     */
    public static int defaultMaxOpeningOverNetwork() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** From now on every new connection is refused (the node is draining); clients try again after {@code retry}. */
    public void closeDoors(Duration retry) {
        closedFor = requireNonNull(retry, "retry");
    }

    /**
     * Decides on a new connection; may wait (at most {@link #OPENING_WAIT}) for its turn to be opened. An admitted
     * one is counted against the rate, and its {@link Entry#opened()} must be called.
     */
    public Entry admit() {
        Duration closed = closedFor;
        if (closed != null) {
            return restarting(closed);
        }
        if (maxConnections > 0 && openConnections.getAsInt() >= maxConnections) {
            return refused("this node is full", RETRY_WHEN_FULL);
        }
        if (connects != null) {
            ConsumptionProbe probe = connects.tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                Duration wait = Duration.ofNanos(probe.getNanosToWaitForRefill());
                return refused("too many new connections; try again shortly", atLeastASecond(wait));
            }
        }
        if (opening == null) {
            return new Entry(null, null);
        }
        if (!takeTurn()) {
            return refused("busy opening other connections; try again shortly", RETRY_WHEN_BUSY);
        }
        Duration closedWhileWaiting = closedFor;
        if (closedWhileWaiting != null) { // the node began draining meanwhile: open nothing more here
            opening.finish(true);
            return restarting(closedWhileWaiting);
        }
        return new Entry(null, opening);
    }

    /** Openings under way now, counting those waiting on a store. */
    public int openingCount() {
        return opening == null ? 0 : opening.inProgress();
    }

    /** Openings that went on without a turn so far, after waiting {@link #TAKE_BACK_WAIT} to take theirs back. */
    public long withoutTurnCount() {
        return opening == null ? 0 : opening.withoutTurn();
    }

    /** Connects waiting for their turn now. */
    public int waitingCount() {
        return waiting.get();
    }

    private boolean takeTurn() {
        if (waiting.incrementAndGet() > MAX_WAITING) {
            waiting.decrementAndGet();
            return false;
        }
        try {
            return opening.take(OPENING_WAIT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            waiting.decrementAndGet();
        }
    }

    private static Entry restarting(Duration retryAfter) {
        return refused("this node is restarting; connect to another", retryAfter);
    }

    private static Entry refused(String reason, Duration retryAfter) {
        return new Entry(new Refusal(reason, retryAfter), null);
    }

    /** Retry-After is in whole seconds. */
    private static Duration atLeastASecond(Duration wait) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        return Duration.ofSeconds(seconds);
    }
}
