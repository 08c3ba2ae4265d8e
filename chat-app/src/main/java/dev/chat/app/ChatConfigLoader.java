package dev.chat.app;

import dev.chat.domain.model.RateLimits;
import dev.chat.transport.core.Admission;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * Reads {@link ChatConfig} from environment variables, each of which a {@code -D} system property may override
 * ({@code CHAT_PORT} is {@code -Dchat.port}). Read once, in {@code main}. The table in README.md lists them all.
 */
final class ChatConfigLoader {
    private final Map<String, String> environment;
    private final Properties properties;

    private ChatConfigLoader(Map<String, String> environment, Properties properties) {
        this.environment = environment;
        this.properties = properties;
    }

    /** @throws IllegalArgumentException naming the variable, when a value is malformed or out of range */
    static ChatConfig load(Map<String, String> environment, Properties properties) {
        return new ChatConfigLoader(environment, properties).load();
    }

    private ChatConfig load() {
        ChatConfig defaults = ChatConfig.defaults(8080);
        ChatConfig.Server server = defaults.server();
        ChatConfig.Messaging messaging = defaults.messaging();
        ChatConfig.Connections connections = defaults.connections();
        ChatConfig.Polling polling = defaults.polling();
        ChatConfig.Store store = defaults.store();
        ChatConfig.Operations operations = defaults.operations();
        RateLimits rates = defaults.abuse().rates();
        String redisUrl = value("CHAT_REDIS_URL", Function.identity(), store.redisUrl());
        // An opening gives its turn up while it waits on Redis (StoreWaits), so each turn is all CPU there: half as
        // many give openings the share of the core that twice the cores gives them in memory.
        int maxOpening = redisUrl == null ? operations.maxOpening() : Admission.defaultMaxOpeningOverNetwork();
        return new ChatConfig(
                new ChatConfig.Server(
                        value("CHAT_HOST", Function.identity(), server.host()),
                        value("CHAT_PORT", Integer::parseInt, server.port()),
                        value("CHAT_ALLOWED_ORIGINS", ChatConfigLoader::commaList, server.allowedOrigins()),
                        value("CHAT_SHUTDOWN_GRACE_SECONDS", ChatConfigLoader::seconds, server.shutdownGrace())),
                new ChatConfig.Messaging(
                        value("CHAT_MAX_TEXT_LENGTH", Integer::parseInt, messaging.maxTextLength()),
                        value("CHAT_MAX_ROOMS_PER_SESSION", Integer::parseInt, messaging.maxRoomsPerSession()),
                        value("CHAT_HISTORY_SIZE", Integer::parseInt, messaging.historySize()),
                        value("CHAT_RECONNECT_GRACE_SECONDS", ChatConfigLoader::seconds, messaging.reconnectGrace()),
                        value("CHAT_HISTORY_MAX_BYTES", Long::parseLong, messaging.historyMaxBytes()),
                        value("CHAT_ROOM_IDLE_SECONDS", ChatConfigLoader::seconds, messaging.roomIdle())),
                new ChatConfig.Connections(
                        value("CHAT_MAX_FRAME_BYTES", Integer::parseInt, connections.maxFrameBytes()),
                        value("CHAT_MAX_QUEUED_BYTES", Long::parseLong, connections.maxQueuedBytes()),
                        value("CHAT_PING_INTERVAL_SECONDS", ChatConfigLoader::seconds, connections.pingInterval()),
                        value("CHAT_IDLE_TIMEOUT_SECONDS", ChatConfigLoader::seconds, connections.idleTimeout())),
                new ChatConfig.Polling(
                        value("CHAT_POLL_TIMEOUT_SECONDS", ChatConfigLoader::seconds, polling.timeout()),
                        value("CHAT_POLL_IDLE_MARGIN_SECONDS", ChatConfigLoader::seconds, polling.idleMargin())),
                new ChatConfig.Store(
                        redisUrl,
                        value("CHAT_REDIS_NAMESPACE", Function.identity(), store.redisNamespace()),
                        value("CHAT_PRESENCE_LEASE_SECONDS", ChatConfigLoader::seconds, store.presenceLease()),
                        value("CHAT_REDIS_STARTUP_WAIT_SECONDS", ChatConfigLoader::seconds, store.startupWait()),
                        value("CHAT_REDIS_TIMEOUT_MS", ChatConfigLoader::millis, store.redisTimeout())),
                new ChatConfig.Operations(
                        value("CHAT_MAX_CONNECTIONS", Integer::parseInt, operations.maxConnections()),
                        value("CHAT_MAX_CONNECTS_PER_SECOND", Integer::parseInt, operations.maxConnectsPerSecond()),
                        value("CHAT_MAX_OPENING", Integer::parseInt, maxOpening),
                        value("CHAT_DRAIN_ACCEPT_SECONDS", ChatConfigLoader::seconds, operations.drainAccept()),
                        value("CHAT_DRAIN_SECONDS", ChatConfigLoader::seconds, operations.drain()),
                        value("CHAT_WARMUP_SECONDS", ChatConfigLoader::seconds, operations.warmUp()),
                        value("CHAT_COMPILER_NICE", Integer::parseInt, operations.compilerNice()),
                        value("CHAT_OPENING_NICE", Integer::parseInt, operations.openingNice())),
                new ChatConfig.Abuse(
                        new RateLimits(
                                budget("CHAT_RATE_MESSAGES_PER_SECOND", "CHAT_RATE_MESSAGES_BURST", rates.messages()),
                                budget("CHAT_RATE_ROOMS_PER_SECOND", "CHAT_RATE_ROOMS_BURST", rates.rooms()),
                                value("CHAT_RATE_ABUSE_SECONDS", ChatConfigLoader::seconds, rates.abuseWindow())),
                        value(
                                "CHAT_MAX_CONNECTIONS_PER_ADDRESS",
                                Integer::parseInt,
                                defaults.abuse().maxConnectionsPerAddress()),
                        value(
                                "CHAT_TRUSTED_PROXIES",
                                ChatConfigLoader::commaList,
                                defaults.abuse().trustedProxies()),
                        new ChatConfig.SignIn(
                                value("CHAT_JWT_HMAC_SECRET", Function.identity(), null),
                                value("CHAT_JWT_PUBLIC_KEY_FILE", Function.identity(), null),
                                value("CHAT_JWT_ISSUER", Function.identity(), null),
                                value("CHAT_JWT_AUDIENCE", Function.identity(), null))),
                new ChatConfig.Presence(
                        value(
                                "CHAT_MEMBER_LIST_LIMIT",
                                Integer::parseInt,
                                defaults.presence().memberListLimit()),
                        value(
                                "CHAT_PRESENCE_INTERVAL_MS",
                                ChatConfigLoader::millis,
                                defaults.presence().interval()),
                        value(
                                "CHAT_PRESENCE_FRAMES_PER_SECOND",
                                Integer::parseInt,
                                defaults.presence().framesPerSecond()),
                        value(
                                "CHAT_PRESENCE_BURST_MS",
                                ChatConfigLoader::millis,
                                defaults.presence().burstWindow())));
    }

    /** A budget: a rate of 0 disables it; a burst left unset follows a changed rate (twice it). */
    private RateLimits.Budget budget(String rateVariable, String burstVariable, RateLimits.Budget defaults) {
        int perSecond = value(rateVariable, Integer::parseInt, defaults.perSecond());
        if (perSecond == 0) {
            return RateLimits.Budget.UNLIMITED;
        }
        int defaultBurst = perSecond == defaults.perSecond() ? defaults.burst() : 2 * perSecond;
        int burst = value(burstVariable, Integer::parseInt, defaultBurst);
        try {
            return new RateLimits.Budget(perSecond, burst);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(rateVariable + "/" + burstVariable + ": " + e.getMessage(), e);
        }
    }

    private <T> T value(String variable, Function<String, T> parser, T defaultValue) {
        String property = variable.toLowerCase(Locale.ROOT).replace('_', '.');
        String raw = properties.getProperty(property, environment.get(variable));
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        try {
            return parser.apply(raw.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(variable + " has an invalid value \"" + raw + "\"", e);
        }
    }

    private static List<String> commaList(String raw) {
        return Arrays.stream(raw.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private static Duration millis(String raw) {
        return Duration.ofMillis(Long.parseLong(raw));
    }

    private static Duration seconds(String raw) {
        return Duration.ofSeconds(Long.parseLong(raw));
    }
}
