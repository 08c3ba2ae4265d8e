package dev.chat.app;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ChatLimits;
import dev.chat.domain.model.RateLimits;
import dev.chat.transport.core.Admission;
import java.time.Duration;
import java.util.List;

/** The whole service configuration, immutable and validated. {@link ChatConfigLoader} documents the defaults. */
public record ChatConfig(
        Server server,
        Messaging messaging,
        Connections connections,
        Polling polling,
        Store store,
        Operations operations,
        Abuse abuse,
        Presence presence) {
    public ChatConfig {
        requireNonNull(server, "server");
        requireNonNull(messaging, "messaging");
        requireNonNull(connections, "connections");
        requireNonNull(polling, "polling");
        requireNonNull(store, "store");
        requireNonNull(operations, "operations");
        requireNonNull(abuse, "abuse");
        requireNonNull(presence, "presence");
    }

    /** Defaults everywhere, on the given port (0 picks a free one). */
    public static ChatConfig defaults(int port) {
        return new ChatConfig(
                new Server("0.0.0.0", port, List.of(), Duration.ofSeconds(5)),
                new Messaging(4_000, 100, 1_000, Duration.ofSeconds(10)),
                new Connections(64 * 1024, 1024 * 1024, Duration.ofSeconds(25), Duration.ofSeconds(60)),
                new Polling(Duration.ofSeconds(25), Duration.ofSeconds(5)),
                new Store(null, "chat", Duration.ofSeconds(15), Duration.ofSeconds(30)),
                Operations.DEFAULTS,
                Abuse.DEFAULTS,
                Presence.DEFAULTS);
    }

    public ChatConfig withServer(Server newServer) {
        return new ChatConfig(newServer, messaging, connections, polling, store, operations, abuse, presence);
    }

    public ChatConfig withMessaging(Messaging newMessaging) {
        return new ChatConfig(server, newMessaging, connections, polling, store, operations, abuse, presence);
    }

    public ChatConfig withConnections(Connections newConnections) {
        return new ChatConfig(server, messaging, newConnections, polling, store, operations, abuse, presence);
    }

    public ChatConfig withPolling(Polling newPolling) {
        return new ChatConfig(server, messaging, connections, newPolling, store, operations, abuse, presence);
    }

    public ChatConfig withStore(Store newStore) {
        return new ChatConfig(server, messaging, connections, polling, newStore, operations, abuse, presence);
    }

    public ChatConfig withOperations(Operations newOperations) {
        return new ChatConfig(server, messaging, connections, polling, store, newOperations, abuse, presence);
    }

    public ChatConfig withPresence(Presence newPresence) {
        return new ChatConfig(server, messaging, connections, polling, store, operations, abuse, newPresence);
    }

    /**
     * How presence scales to big rooms.
     *
     * @param memberListLimit how many members a room's snapshot lists at most; a bigger room's lists its first ones,
     *     says it is incomplete and gives its count, and the rest come page by page on request. Above it, arrivals
     *     and departures are coalesced
     * @param interval how often a big room's members get one frame of what changed
     * @param framesPerSecond presence frames a room may cost this node per second while churn goes on; a room with
     *     more local members gets its frames every few intervals until the churn ends
     * @param burstWindow how long a room up to the limit holds the arrivals and departures that follow one it just sent,
     *     so that a burst costs each member one write; zero sends every one at once
     */
    public record Presence(int memberListLimit, Duration interval, int framesPerSecond, Duration burstWindow) {
        /** A longer hold would no longer look immediate to the people in the room (declared first: DEFAULTS uses it). */
        static final Duration MAX_BURST_WINDOW = Duration.ofSeconds(1);

        public static final Presence DEFAULTS = new Presence(
                ChatLimits.DEFAULT_MEMBER_LIST_LIMIT,
                ChatLimits.DEFAULT_PRESENCE_INTERVAL,
                ChatLimits.DEFAULT_PRESENCE_FRAMES_PER_SECOND,
                ChatLimits.DEFAULT_PRESENCE_BURST_WINDOW);

        public Presence {
            if (memberListLimit < 1) {
                throw new IllegalArgumentException("CHAT_MEMBER_LIST_LIMIT must be at least 1");
            }
            requireNonNull(interval, "interval");
            if (interval.toMillis() < 10) {
                throw new IllegalArgumentException("CHAT_PRESENCE_INTERVAL_MS must be at least 10");
            }
            if (framesPerSecond < 1) {
                throw new IllegalArgumentException("CHAT_PRESENCE_FRAMES_PER_SECOND must be at least 1");
            }
            requireNonNull(burstWindow, "burstWindow");
            if (burstWindow.isNegative() || burstWindow.compareTo(MAX_BURST_WINDOW) > 0) {
                throw new IllegalArgumentException(
                        "CHAT_PRESENCE_BURST_MS must be from 0 to " + MAX_BURST_WINDOW.toMillis());
            }
        }

        public Presence(int memberListLimit, Duration interval) {
            this(
                    memberListLimit,
                    interval,
                    ChatLimits.DEFAULT_PRESENCE_FRAMES_PER_SECOND,
                    ChatLimits.DEFAULT_PRESENCE_BURST_WINDOW);
        }

        public Presence(int memberListLimit) {
            this(memberListLimit, ChatLimits.DEFAULT_PRESENCE_INTERVAL);
        }
    }

    public ChatConfig withAbuse(Abuse newAbuse) {
        return new ChatConfig(server, messaging, connections, polling, store, operations, newAbuse, presence);
    }

    /**
     * Keeping one client from harming the others.
     *
     * @param rates each session's command budgets, and how long a flood may last before the session is ended
     * @param maxConnectionsPerAddress open connections from one client address beyond which new ones get 429; 0 for
     *     no limit
     * @param trustedProxies CIDR blocks of proxies whose {@code X-Forwarded-For} names the client; empty: the header
     *     is ignored
     */
    public record Abuse(RateLimits rates, int maxConnectionsPerAddress, List<String> trustedProxies, SignIn signIn) {
        public static final Abuse DEFAULTS = new Abuse(
                new RateLimits(new RateLimits.Budget(10, 20), new RateLimits.Budget(5, 20), Duration.ofSeconds(10)),
                1_000,
                List.of(),
                SignIn.ANONYMOUS);
        /** No limits at all: benchmarks and tests that flood on purpose. */
        public static final Abuse NONE = new Abuse(RateLimits.NONE, 0, List.of(), SignIn.ANONYMOUS);

        public Abuse(RateLimits rates, int maxConnectionsPerAddress, List<String> trustedProxies) {
            this(rates, maxConnectionsPerAddress, trustedProxies, SignIn.ANONYMOUS);
        }

        public Abuse withSignIn(SignIn newSignIn) {
            return new Abuse(rates, maxConnectionsPerAddress, trustedProxies, newSignIn);
        }

        public Abuse {
            requireNonNull(rates, "rates");
            requireNonNull(signIn, "signIn");
            trustedProxies = List.copyOf(trustedProxies);
            if (maxConnectionsPerAddress < 0) {
                throw new IllegalArgumentException("CHAT_MAX_CONNECTIONS_PER_ADDRESS must not be negative");
            }
        }
    }

    /**
     * Optional sign-in with JSON Web Tokens: off (every user anonymous) unless a secret or a public key is given.
     *
     * @param hmacSecret the HS256 secret, or null
     * @param publicKeyFile a PEM file with the RS256 / ES256 public key, or null
     * @param issuer the required {@code iss}, or null
     * @param audience the required {@code aud}, or null
     */
    public record SignIn(String hmacSecret, String publicKeyFile, String issuer, String audience) {
        public static final SignIn ANONYMOUS = new SignIn(null, null, null, null);

        public SignIn {
            if (hmacSecret != null && publicKeyFile != null) {
                throw new IllegalArgumentException("set CHAT_JWT_HMAC_SECRET or CHAT_JWT_PUBLIC_KEY_FILE, not both");
            }
        }

        public boolean enabled() {
            return hmacSecret != null || publicKeyFile != null;
        }

        @Override
        public String toString() {
            return "SignIn[" + (hmacSecret != null ? "HS256" : publicKeyFile != null ? publicKeyFile : "off") + "]";
        }
    }

    /**
     * Protecting a node and moving clients off it.
     *
     * @param maxConnections open connections (all transports) beyond which new ones get 503; 0 for no limit
     * @param maxConnectsPerSecond new connections per second (token bucket, one second's burst); 0 for no limit
     * @param maxOpening connections being opened at once, the next ones wait their turn; 0 for no limit
     * @param drainAccept how long after SIGTERM the node still takes new connections (while balancers notice it is
     *     unready)
     * @param drain the window over which its clients are moved to other nodes, each at its own moment
     * @param warmUp how long at most the process exercises its own code on a private loopback server before it opens
     *     its port, so that its first clients do not wait on the JIT compiler; it stops sooner once the compiler is done
     *     (see {@link WarmUp}); zero for none
     * @param compilerNice the nice value the JIT's optimising compiler gets once the warm-up is done, so that threads
     *     woken by clients do not wait for it (see {@link ThreadPriority}); 1-19, or 0 to leave it as it is
     * @param openingNice the nice value of the thread that opens connections over Redis, so that a room's messages do
     *     not wait behind a crowd's welcomes (see {@link ThreadPriority}); 1-19, or 0 to leave it as it is
     */
    public record Operations(
            int maxConnections,
            int maxConnectsPerSecond,
            int maxOpening,
            Duration drainAccept,
            Duration drain,
            Duration warmUp,
            int compilerNice,
            int openingNice) {
        /**
         * Measured on the development machine (docs/performance-log.md, "A warm-up that lasts until the compiler is
         * done"): on one busy core, five seconds left a connect's path uncompiled; a machine with cores to spare for
         * the compiler stops sooner.
         */
        public static final Duration DEFAULT_WARM_UP = Duration.ofSeconds(20);
        /**
         * Measured on the development machine (docs/performance-log.md, "The compiler behind the service"): the echo's
         * p99 a third lower, a crowd joining 1.8 times as fast, connects and CPU a delivery no worse.
         */
        public static final int DEFAULT_COMPILER_NICE = 10;
        /**
         * Measured on the development machine (docs/performance-log.md, "Newcomers behind the room"): in a crowd
         * joining a room over Redis, the room's message p99 fell to about half, the crowd joined at three quarters of the
         * rate.
         */
        public static final int DEFAULT_OPENING_NICE = 5;
        /** Sized on the development machine: see README. */
        public static final Operations DEFAULTS = new Operations(
                20_000, 250, Admission.defaultMaxOpening(), Duration.ofSeconds(2), Duration.ofSeconds(10));
        /**
         * No admission limits (benchmarks and tests that fill a node on purpose), default drain. Connections are still
         * opened a few at a time: that refuses nobody, it only orders them.
         */
        public static final Operations UNLIMITED =
                new Operations(0, 0, DEFAULTS.maxOpening(), DEFAULTS.drainAccept(), DEFAULTS.drain());

        public Operations {
            requireNonNull(drainAccept, "drainAccept");
            requireNonNull(drain, "drain");
            requireNonNull(warmUp, "warmUp");
            if (maxConnections < 0 || maxConnectsPerSecond < 0 || maxOpening < 0) {
                throw new IllegalArgumentException("admission limits must not be negative (0 disables one)");
            }
            if (drainAccept.isNegative() || drain.isNegative()) {
                throw new IllegalArgumentException("drain times must not be negative");
            }
            if (warmUp.isNegative()) {
                throw new IllegalArgumentException("CHAT_WARMUP_SECONDS must not be negative");
            }
            if (compilerNice < 0 || compilerNice > 19) {
                throw new IllegalArgumentException("CHAT_COMPILER_NICE must be 0-19 (0 leaves the compiler as it is)");
            }
            if (openingNice < 0 || openingNice > 19) {
                throw new IllegalArgumentException(
                        "CHAT_OPENING_NICE must be 0-19 (0 leaves the opening thread as it is)");
            }
        }

        public Operations(
                int maxConnections, int maxConnectsPerSecond, int maxOpening, Duration drainAccept, Duration drain) {
            this(maxConnections, maxConnectsPerSecond, maxOpening, drainAccept, drain, DEFAULT_WARM_UP);
        }

        public Operations(
                int maxConnections,
                int maxConnectsPerSecond,
                int maxOpening,
                Duration drainAccept,
                Duration drain,
                Duration warmUp) {
            this(
                    maxConnections,
                    maxConnectsPerSecond,
                    maxOpening,
                    drainAccept,
                    drain,
                    warmUp,
                    DEFAULT_COMPILER_NICE,
                    DEFAULT_OPENING_NICE);
        }
    }

    /**
     * Where shared state lives: in memory (single node) when {@code redisUrl} is null, else in that Redis.
     *
     * @param presenceLease how long a dead node's users stay listed before the other nodes remove them
     * @param startupWait how long a node waits for an unreachable Redis at start before exiting non-zero
     * @param redisTimeout the longest a thread serving clients waits for one Redis answer
     */
    public record Store(
            String redisUrl,
            String redisNamespace,
            Duration presenceLease,
            Duration startupWait,
            Duration redisTimeout) {
        public static final Duration DEFAULT_REDIS_TIMEOUT = Duration.ofMillis(1000);

        public Store {
            requireNonNull(redisNamespace, "redisNamespace");
            requireNonNull(presenceLease, "presenceLease");
            requireNonNull(startupWait, "startupWait");
            requireNonNull(redisTimeout, "redisTimeout");
            if (redisUrl != null && !redisUrl.startsWith("redis://") && !redisUrl.startsWith("rediss://")) {
                throw new IllegalArgumentException("CHAT_REDIS_URL must be redis://... or rediss://...");
            }
            if (redisTimeout.toMillis() < 10) {
                throw new IllegalArgumentException("CHAT_REDIS_TIMEOUT_MS must be at least 10");
            }
        }

        public Store(String redisUrl, String redisNamespace, Duration presenceLease, Duration startupWait) {
            this(redisUrl, redisNamespace, presenceLease, startupWait, DEFAULT_REDIS_TIMEOUT);
        }

        public boolean isRedis() {
            return redisUrl != null;
        }
    }

    /**
     * Long-polling: how long a poll is held (and the most a client may ask for), and how long past that a client
     * that stopped polling still counts as connected (the reconnect grace then follows).
     */
    public record Polling(Duration timeout, Duration idleMargin) {
        public Polling {
            requireNonNull(timeout, "timeout");
            requireNonNull(idleMargin, "idleMargin");
            if (timeout.isNegative() || idleMargin.isNegative()) {
                throw new IllegalArgumentException("poll timeout and idle margin must not be negative");
            }
        }
    }

    /** Where to listen, who may connect from a browser, how long shutdown waits for clients to be told. */
    public record Server(String host, int port, List<String> allowedOrigins, Duration shutdownGrace) {
        public Server {
            requireNonNull(host, "host");
            allowedOrigins = List.copyOf(allowedOrigins);
            requireNonNull(shutdownGrace, "shutdownGrace");
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0-65535: " + port);
            }
        }
    }

    /**
     * Per-message and per-room limits, and how long a session outlives its connection.
     *
     * @param historyMaxBytes estimated bytes all rooms' history may take on a single node (in memory)
     * @param roomIdle how long a room nobody is in keeps its in-memory history after its last use
     */
    public record Messaging(
            int maxTextLength,
            int maxRoomsPerSession,
            int historySize,
            Duration reconnectGrace,
            long historyMaxBytes,
            Duration roomIdle) {
        public static final long DEFAULT_HISTORY_MAX_BYTES = 128L * 1024 * 1024;
        public static final Duration DEFAULT_ROOM_IDLE = Duration.ofMinutes(10);

        public Messaging {
            if (maxTextLength < 1 || maxRoomsPerSession < 1 || historySize < 1) {
                throw new IllegalArgumentException("text length, rooms per session and history size must be positive");
            }
            requireNonNull(reconnectGrace, "reconnectGrace");
            requireNonNull(roomIdle, "roomIdle");
            if (reconnectGrace.isNegative()) {
                throw new IllegalArgumentException("reconnectGrace must not be negative");
            }
            if (historyMaxBytes < 1024 * 1024) {
                throw new IllegalArgumentException("CHAT_HISTORY_MAX_BYTES must be at least 1048576");
            }
            if (roomIdle.toSeconds() < 1) {
                throw new IllegalArgumentException("CHAT_ROOM_IDLE_SECONDS must be at least 1");
            }
        }

        public Messaging(int maxTextLength, int maxRoomsPerSession, int historySize, Duration reconnectGrace) {
            this(
                    maxTextLength,
                    maxRoomsPerSession,
                    historySize,
                    reconnectGrace,
                    DEFAULT_HISTORY_MAX_BYTES,
                    DEFAULT_ROOM_IDLE);
        }
    }

    /**
     * Limits of every client connection, whatever its transport: the largest frame or command body, the outbound
     * bytes it may have waiting, and how often it is pinged (or sent a heartbeat) and when silence ends it.
     */
    public record Connections(int maxFrameBytes, long maxQueuedBytes, Duration pingInterval, Duration idleTimeout) {
        public Connections {
            requireNonNull(pingInterval, "pingInterval");
            requireNonNull(idleTimeout, "idleTimeout");
            if (maxFrameBytes < 1024 || maxQueuedBytes < maxFrameBytes) {
                throw new IllegalArgumentException("need maxFrameBytes >= 1024 and maxQueuedBytes >= maxFrameBytes");
            }
            if (pingInterval.isNegative() || pingInterval.isZero() || idleTimeout.compareTo(pingInterval) <= 0) {
                throw new IllegalArgumentException("need 0 < pingInterval < idleTimeout");
            }
        }
    }
}
