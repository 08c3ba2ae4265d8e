package dev.chat.store.redis;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.RateLimits;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.model.UserDisconnected;
import dev.chat.domain.port.out.CommandRates;
import dev.chat.domain.port.out.EventBus;
import dev.chat.domain.port.out.MessageHistory;
import dev.chat.domain.port.out.PresenceStore;
import dev.chat.domain.port.out.RoomEntry;
import dev.chat.domain.port.out.SessionStore;
import dev.chat.relay.SessionRelay;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.providers.PooledConnectionProvider;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * The Redis adapters of every out-port, sharing one connection pool, plus what keeps them healthy while the node runs:
 * the subscriber connection (room channels and this node's own channel), renewal of this node's sessions and presence
 * leases, and the sweep that removes (and announces, once) members of nodes that died. Building it opens no
 * connection; {@link #start()} does.
 */
public final class RedisStores implements AutoCloseable {
    /**
     * The name of the thread that reads the replies to new connections' calls and opens them (at most 15 characters,
     * so that Linux keeps all of it): a node may run it at a lower priority than the threads that serve clients.
     */
    public static final String OPENING_THREAD = "redis-replies";

    private static final Logger log = LoggerFactory.getLogger(RedisStores.class);
    private static final int NODE_MESSAGE_THREADS = 2;
    /**
     * Calls in flight at once (single commands share one connection; pipelines take a pooled one, of which there are as
     * many): a stalled Redis holds no more threads than this and those waiting for a turn.
     */
    private static final int POOL_SIZE = 32;
    /** Calls that may wait for a turn (a quarter of the timeout at most); beyond this, one is refused at once. */
    private static final int MAX_WAITING_CALLS = 3 * POOL_SIZE;
    /** Keys Redis looks at per scan step when a namespace is deleted: few round trips, each still short. */
    private static final int DELETE_SCAN_PAGE = 1_000;

    private final SharedConnection shared;
    /** A connect's calls: their callers do not wait, and its thread goes on with the opening. */
    private final AsyncConnection async;

    private final UnifiedJedis redis;
    private final RedisEventBus bus;
    private final RedisMessageHistory history;
    private final RedisPresenceStore presence;
    private final RoomEntry entry;
    private final RedisSessionStore sessions;
    private final RedisSessionRelay relay;
    private final Settings settings;
    private final RedisCalls calls;
    private final RedisKeys keys;
    private final String nodeId = newNodeId();
    /** Handles what other nodes send this one, off the subscriber thread (handlers call Redis and take locks). */
    private final ExecutorService nodeMessages = Executors.newFixedThreadPool(NODE_MESSAGE_THREADS, runnable -> {
        Thread thread = new Thread(runnable, "redis-node-messages");
        thread.setDaemon(true);
        return thread;
    });
    /** host:port only: the URI may carry a password. */
    private final String address;

    private ScheduledExecutorService keeper;

    /**
     * @param namespace prefix of every key
     * @param historySize messages kept per room
     * @param sessionTtl how long a session outlives its node's last renewal: a crashed node's clients can resume on
     *     another node within it
     * @param presenceLease how long a member stays listed after its node stopped renewing it
     * @param startupWait how long {@link #start()} waits for an unreachable Redis before giving up
     * @param commandTimeout the longest a thread waits for Redis to answer one command (and a quarter of it for a
     *     turn among the calls in flight, and as long again when it leads the shared connection's batch after waiting
     *     in line), so a stalled Redis holds a client-serving thread for a bounded time
     */
    public record Settings(
            String namespace,
            int historySize,
            Duration sessionTtl,
            Duration presenceLease,
            Duration startupWait,
            Duration commandTimeout) {
        /** Redis answers in well under a millisecond; a second means it is stalled, not busy. */
        public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(1000);

        public Settings {
            requireNonNull(namespace, "namespace");
            requireNonNull(startupWait, "startupWait");
            requireNonNull(sessionTtl, "sessionTtl");
            requireNonNull(presenceLease, "presenceLease");
            requireNonNull(commandTimeout, "commandTimeout");
            if (presenceLease.toMillis() < 300) {
                throw new IllegalArgumentException("presenceLease must be at least 300 ms");
            }
            if (sessionTtl.compareTo(presenceLease) < 0) {
                throw new IllegalArgumentException("sessionTtl must be at least the presence lease (both are renewed)");
            }
            if (commandTimeout.toMillis() < 10) {
                throw new IllegalArgumentException("commandTimeout must be at least 10 ms");
            }
        }

        public Settings(
                String namespace, int historySize, Duration sessionTtl, Duration presenceLease, Duration startupWait) {
            this(namespace, historySize, sessionTtl, presenceLease, startupWait, DEFAULT_COMMAND_TIMEOUT);
        }
    }

    private RedisStores(URI uri, Settings settings, Clock clock, MeterRegistry registry) {
        this.settings = settings;
        this.address = uri.getHost() + ":" + uri.getPort();
        this.shared = sharedConnection(uri, settings.commandTimeout());
        this.redis = sharedClient(uri, settings.commandTimeout(), shared);
        this.calls = new RedisCalls(
                POOL_SIZE, MAX_WAITING_CALLS, settings.commandTimeout().dividedBy(4), registry);
        this.keys = new RedisKeys(settings.namespace());
        RoomEventCodec codec = new RoomEventCodec();
        this.bus = new RedisEventBus(
                redis,
                calls,
                settings.commandTimeout(),
                uri,
                keys,
                codec,
                nodeId,
                payload -> handle(() -> onNodeMessage(payload)),
                () -> handle(this::renewSessions));
        this.history = new RedisMessageHistory(redis, calls, keys, codec, settings.historySize());
        this.async = asyncConnection(uri, settings.commandTimeout());
        async.start();
        this.presence = new RedisPresenceStore(redis, async, calls, keys, settings.presenceLease(), clock);
        this.entry = presence.entryWith(history, codec);
        this.sessions = new RedisSessionStore(redis, async, calls, keys, settings.sessionTtl(), nodeId, this::send);
        this.sessions.onLetGo(presence::forget);
        this.relay = new RedisSessionRelay(sessions, calls, this::send, registry);
    }

    /**
     * A pooled client whose every wait is bounded: for a connection from the pool (a quarter of the timeout; the pool
     * is exhausted only when Redis stalls), to connect, and for each answer.
     */
    static RedisClient client(URI uri, Duration timeout) {
        return RedisClient.builder()
                .hostAndPort(JedisURIHelper.getHostAndPort(uri))
                .clientConfig(clientConfig(uri, timeout))
                .poolConfig(poolConfig(timeout))
                .build();
    }

    /**
     * The stores' client: single commands from every thread share one connection ({@code shared}); pipelines (renewals
     * of many keys at once) take a pooled connection of their own.
     */
    private static UnifiedJedis sharedClient(URI uri, Duration timeout, SharedConnection shared) {
        PooledConnectionProvider pool = new PooledConnectionProvider(
                JedisURIHelper.getHostAndPort(uri), clientConfig(uri, timeout), poolConfig(timeout));
        return new UnifiedJedis(shared, pool, new CommandObjects()) {
            @Override
            public void close() {
                super.close(); // closes the shared connection
                pool.close();
            }
        };
    }

    static SharedConnection sharedConnection(URI uri, Duration timeout) {
        HostAndPort address = JedisURIHelper.getHostAndPort(uri);
        JedisClientConfig config = clientConfig(uri, timeout);
        return new SharedConnection(() -> new Connection(address, config), timeout);
    }

    static AsyncConnection asyncConnection(URI uri, Duration timeout) {
        HostAndPort address = JedisURIHelper.getHostAndPort(uri);
        JedisClientConfig config = clientConfig(uri, timeout);
        return new AsyncConnection(() -> new Connection(address, config), timeout);
    }

    private static JedisClientConfig clientConfig(URI uri, Duration timeout) {
        int millis = Math.toIntExact(timeout.toMillis());
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis)
                .ssl(JedisURIHelper.isRedisSSLScheme(uri))
                .user(JedisURIHelper.getUser(uri))
                .password(JedisURIHelper.getPassword(uri));
        if (JedisURIHelper.hasDbIndex(uri)) {
            config.database(JedisURIHelper.getDBIndex(uri));
        }
        return config.build();
    }

    private static ConnectionPoolConfig poolConfig(Duration timeout) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(POOL_SIZE);
        pool.setMaxIdle(POOL_SIZE);
        pool.setBlockWhenExhausted(true);
        pool.setMaxWait(timeout.dividedBy(4));
        return pool;
    }

    /**
     * Deletes every key of a namespace that was used once and let go (the warm-up's): scans for them, then unlinks them
     * a page at a time. Never for a namespace a live node uses: its keys would be gone under it.
     *
     * @return how many keys were deleted
     */
    public static long deleteNamespace(URI uri, String namespace, Duration timeout) {
        new RedisKeys(namespace); // checks it: no pattern characters, so the match below is exactly the namespace
        ScanParams ofNamespace = new ScanParams().match(namespace + ":*").count(DELETE_SCAN_PAGE);
        long deleted = 0;
        try (RedisClient redis = client(uri, timeout)) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = redis.scan(cursor, ofNamespace);
                if (!page.getResult().isEmpty()) {
                    deleted += redis.unlink(page.getResult().toArray(String[]::new));
                }
                cursor = page.getCursor();
            } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        }
        return deleted;
    }

    /** @param uri {@code redis://[user:password@]host:port[/db]}, or {@code rediss://} for TLS */
    public static RedisStores at(URI uri, Settings settings, Clock clock) {
        return at(uri, settings, clock, new SimpleMeterRegistry());
    }

    /** @param registry where the stores' meters go (Redis calls, relayed requests, subscriber reconnects) */
    public static RedisStores at(URI uri, Settings settings, Clock clock, MeterRegistry registry) {
        RedisStores stores = new RedisStores(
                requireNonNull(uri, "uri"), requireNonNull(settings, "settings"), clock, requireNonNull(registry));
        FunctionCounter.builder("chat_redis_subscriber_reconnects", stores.bus, RedisEventBus::reconnects)
                .description("Times the pub/sub connection was lost and came back (rooms back-filled)")
                .register(registry);
        FunctionCounter.builder("chat_redis_shared_commands", stores.shared, SharedConnection::commands)
                .description("Commands sent to Redis over the node's shared connection")
                .register(registry);
        FunctionCounter.builder("chat_redis_shared_writes", stores.shared, SharedConnection::writes)
                .description("Writes that carried them: several callers' commands go to Redis in one write")
                .register(registry);
        FunctionCounter.builder("chat_redis_async_commands", stores.async, AsyncConnection::commands)
                .description("Commands sent to Redis by connects, whose callers do not wait for the reply")
                .register(registry);
        FunctionCounter.builder("chat_redis_async_writes", stores.async, AsyncConnection::writes)
                .description("Writes that carried them")
                .register(registry);
        Gauge.builder("chat_redis_async_in_line", stores.async, AsyncConnection::inLine)
                .description("Connects' commands waiting for the next write to Redis")
                .register(registry);
        return stores;
    }

    /** True if Redis answers a PING within the command timeout (and the call is not refused as too many). */
    public boolean ping() {
        try {
            return "PONG".equals(calls.call(redis::ping));
        } catch (ChatException e) {
            return false;
        }
    }

    /** Session rate budgets in this Redis, shared by every node. */
    public CommandRates commandRates(RateLimits limits) {
        return new RedisCommandRates(redis, calls, keys, limits);
    }

    public EventBus bus() {
        return bus;
    }

    public MessageHistory history() {
        return history;
    }

    public PresenceStore presence() {
        return presence;
    }

    /** A joiner's add, first members and latest messages in one script. */
    public RoomEntry entry() {
        return entry;
    }

    public SessionStore sessions() {
        return sessions;
    }

    public SessionRelay relay() {
        return relay;
    }

    /**
     * Waits (bounded) for Redis to answer, then connects the subscriber and renews and sweeps presence leases every
     * third of a lease.
     *
     * @throws IllegalStateException naming the address when Redis did not answer within the startup wait
     */
    public synchronized void start() {
        awaitRedis();
        bus.start();
        keeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "redis-presence");
            thread.setDaemon(true);
            return thread;
        });
        long every = settings.presenceLease().toMillis() / 3;
        keeper.scheduleAtFixedRate(this::keepAlive, every, every, TimeUnit.MILLISECONDS);
        log.info("Redis stores started (namespace {}, node {})", settings.namespace(), nodeId);
    }

    @Override
    public synchronized void close() {
        if (keeper != null) {
            keeper.shutdownNow();
        }
        // Stop listening first: a request another node publishes from now on reaches nobody, so that node serves it
        // (takes the session over) at once, instead of waiting out its timeout for an answer this node never sends.
        bus.close();
        relay.close();
        nodeMessages.shutdownNow();
        async.close();
        redis.close();
    }

    /** Off the subscriber thread; dropped once the stores are closing (nobody is listening for answers then). */
    private void handle(Runnable nodeMessage) {
        try {
            nodeMessages.execute(nodeMessage);
        } catch (RejectedExecutionException closing) {
            log.debug("node message dropped: the stores are closing");
        }
    }

    private void awaitRedis() {
        long deadline = System.nanoTime() + settings.startupWait().toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                redis.ping();
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "Redis at " + address + " did not answer within "
                                    + settings.startupWait().toSeconds() + " s: " + e.getMessage(),
                            e);
                }
                log.warn("waiting for Redis at {} (attempt {}): {}", address, attempt, e.getMessage());
                try {
                    TimeUnit.SECONDS.sleep(1); // start-up retry pace, bounded by the deadline above
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Redis", interrupted);
                }
            }
        }
    }

    private void keepAlive() {
        renewSessions();
        try {
            presence.renewLeases();
            for (RedisPresenceStore.Expired gone : presence.removeExpired()) {
                bus.publish(new UserDisconnected(gone.room(), gone.user())); // this node won the removal: it tells
            }
        } catch (RuntimeException e) {
            log.warn("presence upkeep failed ({}); retrying next round", e.toString());
        }
    }

    private void renewSessions() {
        try {
            sessions.renewHeld();
        } catch (RuntimeException e) {
            log.warn("session renewal failed ({}); retrying next round", e.toString());
        }
    }

    private void onNodeMessage(String payload) {
        NodeMessage message;
        try {
            message = NodeMessage.decode(payload);
        } catch (IllegalArgumentException e) {
            log.warn("ignored a message on this node's channel: {}", e.getMessage());
            return;
        }
        if (message instanceof NodeMessage.Taken taken) {
            sessions.takenOver(new SessionToken(taken.session()), taken.claim());
        } else if (message instanceof NodeMessage.Ask ask) {
            relay.onAsk(ask);
        } else if (message instanceof NodeMessage.Answer answer) {
            relay.onAnswer(answer);
        } else {
            relay.onFailed((NodeMessage.Failed) message);
        }
    }

    private long send(String node, NodeMessage message) {
        return redis.publish(keys.nodeChannel(node), message.encode());
    }

    private static String newNodeId() {
        byte[] bytes = new byte[9];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
