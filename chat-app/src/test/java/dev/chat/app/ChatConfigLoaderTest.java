package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.domain.model.RateLimits;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChatConfigLoaderTest {
    @Test
    void givenNothingSet_theDocumentedDefaultsApply() {
        ChatConfig config = ChatConfigLoader.load(Map.of(), new Properties());

        assertThat(config).isEqualTo(ChatConfig.defaults(8080));
        assertThat(config.server().port()).isEqualTo(8080);
        assertThat(config.messaging().maxTextLength()).isEqualTo(4_000);
        assertThat(config.messaging().historySize()).isEqualTo(1_000);
        assertThat(config.connections().maxFrameBytes()).isEqualTo(65_536);
        assertThat(config.connections().pingInterval()).isEqualTo(Duration.ofSeconds(25));
        assertThat(config.messaging().reconnectGrace()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.store().redisTimeout()).isEqualTo(Duration.ofMillis(1000));
        assertThat(config.operations().warmUp()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void givenRedis_connectionsAreOpenedAsManyAsTheCoresAtATime_twiceThatInMemory_unlessSet() {
        int cores = Runtime.getRuntime().availableProcessors();
        Map<String, String> redis = Map.of("CHAT_REDIS_URL", "redis://127.0.0.1:6379");

        assertThat(ChatConfigLoader.load(Map.of(), new Properties())
                        .operations()
                        .maxOpening())
                .isEqualTo(2 * cores);
        assertThat(ChatConfigLoader.load(redis, new Properties()).operations().maxOpening())
                .isEqualTo(cores);
        Properties set = new Properties();
        set.setProperty("chat.max.opening", "7");
        assertThat(ChatConfigLoader.load(redis, set).operations().maxOpening()).isEqualTo(7);
    }

    @Test
    void givenAWarmUpOfZero_thereIsNone_andANegativeOneIsRefused() {
        ChatConfig config = ChatConfigLoader.load(Map.of("CHAT_WARMUP_SECONDS", "0"), new Properties());

        assertThat(config.operations().warmUp()).isZero();
        assertThatThrownBy(() -> ChatConfigLoader.load(Map.of("CHAT_WARMUP_SECONDS", "-1"), new Properties()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CHAT_WARMUP_SECONDS");
    }

    /** Each nice setting: its name, its default, and where the loaded configuration keeps it. */
    static Stream<Arguments> niceSettings() {
        return Stream.of(
                Arguments.of("CHAT_COMPILER_NICE", 10, (ToIntFunction<ChatConfig.Operations>)
                        ChatConfig.Operations::compilerNice),
                Arguments.of("CHAT_OPENING_NICE", 5, (ToIntFunction<ChatConfig.Operations>)
                        ChatConfig.Operations::openingNice));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("niceSettings")
    void givenANiceSetting_itsDefaultApplies_zeroLeavesTheThreads_andOutOfRangeIsRefused(
            String setting, int byDefault, ToIntFunction<ChatConfig.Operations> read) {
        assertThat(read.applyAsInt(
                        ChatConfigLoader.load(Map.of(), new Properties()).operations()))
                .isEqualTo(byDefault);
        assertThat(read.applyAsInt(ChatConfigLoader.load(Map.of(setting, "0"), new Properties())
                        .operations()))
                .isZero();
        for (String outOfRange : List.of("20", "-5")) {
            assertThatThrownBy(() -> ChatConfigLoader.load(Map.of(setting, outOfRange), new Properties()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(setting);
        }
    }

    @Test
    void givenEnvironment_itOverridesDefaults() {
        ChatConfig config = ChatConfigLoader.load(
                Map.of(
                        "CHAT_PORT", "9000",
                        "CHAT_ALLOWED_ORIGINS", " https://a.example , https://b.example,,",
                        "CHAT_MAX_TEXT_LENGTH", "500",
                        "CHAT_HISTORY_SIZE", "50",
                        "CHAT_MAX_QUEUED_BYTES", "2097152",
                        "CHAT_IDLE_TIMEOUT_SECONDS", "90",
                        "CHAT_RECONNECT_GRACE_SECONDS", "3",
                        "CHAT_REDIS_TIMEOUT_MS", "250"),
                new Properties());

        assertThat(config.server().port()).isEqualTo(9000);
        assertThat(config.server().allowedOrigins()).containsExactly("https://a.example", "https://b.example");
        assertThat(config.messaging().maxTextLength()).isEqualTo(500);
        assertThat(config.messaging().historySize()).isEqualTo(50);
        assertThat(config.connections().maxQueuedBytes()).isEqualTo(2_097_152L);
        assertThat(config.connections().idleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.messaging().reconnectGrace()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.store().redisTimeout()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void givenNothingSet_theAbuseLimitsAreTheDocumentedOnes() {
        ChatConfig.Abuse abuse =
                ChatConfigLoader.load(Map.of(), new Properties()).abuse();

        assertThat(abuse.rates().messages()).isEqualTo(new RateLimits.Budget(10, 20));
        assertThat(abuse.rates().rooms()).isEqualTo(new RateLimits.Budget(5, 20));
        assertThat(abuse.rates().abuseWindow()).isEqualTo(Duration.ofSeconds(10));
        assertThat(abuse.maxConnectionsPerAddress()).isEqualTo(1_000);
        assertThat(abuse.trustedProxies()).isEmpty();
    }

    @Test
    void givenRateVariables_theyShapeTheBudgets_aChangedRateBringsItsOwnBurst_andZeroDisablesOne() {
        ChatConfig.Abuse abuse = ChatConfigLoader.load(
                        Map.of(
                                "CHAT_RATE_MESSAGES_PER_SECOND", "4",
                                "CHAT_RATE_ROOMS_PER_SECOND", "0",
                                "CHAT_RATE_ABUSE_SECONDS", "30",
                                "CHAT_MAX_CONNECTIONS_PER_ADDRESS", "0",
                                "CHAT_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.7"),
                        new Properties())
                .abuse();

        assertThat(abuse.rates().messages()).isEqualTo(new RateLimits.Budget(4, 8));
        assertThat(abuse.rates().rooms().limited()).isFalse();
        assertThat(abuse.rates().abuseWindow()).isEqualTo(Duration.ofSeconds(30));
        assertThat(abuse.maxConnectionsPerAddress()).isZero();
        assertThat(abuse.trustedProxies()).containsExactly("10.0.0.0/8", "192.168.1.7");
        assertThat(ChatConfigLoader.load(Map.of("CHAT_RATE_MESSAGES_BURST", "50"), new Properties())
                        .abuse()
                        .rates()
                        .messages())
                .isEqualTo(new RateLimits.Budget(10, 50));
    }

    @Test
    void givenAMemberListLimit_itIsUsed_andItsDefaultIs200() {
        assertThat(ChatConfigLoader.load(Map.of(), new Properties()).presence().memberListLimit())
                .isEqualTo(200);
        assertThat(ChatConfigLoader.load(Map.of("CHAT_MEMBER_LIST_LIMIT", "50"), new Properties())
                        .presence()
                        .memberListLimit())
                .isEqualTo(50);
        assertThat(ChatConfigLoader.load(Map.of(), new Properties()).presence().interval())
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(ChatConfigLoader.load(Map.of("CHAT_PRESENCE_INTERVAL_MS", "250"), new Properties())
                        .presence()
                        .interval())
                .isEqualTo(Duration.ofMillis(250));
        assertThat(ChatConfigLoader.load(Map.of(), new Properties()).presence().framesPerSecond())
                .isEqualTo(5_000);
        assertThat(ChatConfigLoader.load(Map.of("CHAT_PRESENCE_FRAMES_PER_SECOND", "800"), new Properties())
                        .presence()
                        .framesPerSecond())
                .isEqualTo(800);
        assertThatThrownBy(
                        () -> ChatConfigLoader.load(Map.of("CHAT_PRESENCE_FRAMES_PER_SECOND", "0"), new Properties()))
                .hasMessageContaining("CHAT_PRESENCE_FRAMES_PER_SECOND");
    }

    @Test
    void givenAPresenceBurstWindow_itIsUsed_zeroTurnsItOff_andItsDefaultIs20Ms() {
        assertThat(ChatConfigLoader.load(Map.of(), new Properties()).presence().burstWindow())
                .isEqualTo(Duration.ofMillis(20));
        assertThat(ChatConfigLoader.load(Map.of("CHAT_PRESENCE_BURST_MS", "5"), new Properties())
                        .presence()
                        .burstWindow())
                .isEqualTo(Duration.ofMillis(5));
        assertThat(ChatConfigLoader.load(Map.of("CHAT_PRESENCE_BURST_MS", "0"), new Properties())
                        .presence()
                        .burstWindow())
                .isZero();
        for (String refused : List.of("-1", "1001")) {
            assertThatThrownBy(() -> ChatConfigLoader.load(Map.of("CHAT_PRESENCE_BURST_MS", refused), new Properties()))
                    .hasMessageContaining("CHAT_PRESENCE_BURST_MS");
        }
    }

    @Test
    void givenNoSignInVariables_everyoneIsAnonymous() {
        assertThat(ChatConfigLoader.load(Map.of(), new Properties())
                        .abuse()
                        .signIn()
                        .enabled())
                .isFalse();
    }

    @Test
    void givenSignInVariables_signInIsOn_withTheirIssuerAndAudience() {
        ChatConfig.SignIn signIn = ChatConfigLoader.load(
                        Map.of(
                                "CHAT_JWT_HMAC_SECRET", "a-secret-of-at-least-thirty-two-bytes!!",
                                "CHAT_JWT_ISSUER", "https://id.example",
                                "CHAT_JWT_AUDIENCE", "chat"),
                        new Properties())
                .abuse()
                .signIn();

        assertThat(signIn.enabled()).isTrue();
        assertThat(signIn.hmacSecret()).isEqualTo("a-secret-of-at-least-thirty-two-bytes!!");
        assertThat(signIn.issuer()).isEqualTo("https://id.example");
        assertThat(signIn.audience()).isEqualTo("chat");
        assertThat(signIn.toString()).doesNotContain("a-secret"); // never logged
        assertThat(ChatConfigLoader.load(Map.of("CHAT_JWT_PUBLIC_KEY_FILE", "/etc/chat/jwt.pem"), new Properties())
                        .abuse()
                        .signIn()
                        .publicKeyFile())
                .isEqualTo("/etc/chat/jwt.pem");
    }

    @Test
    void givenBothASecretAndAKeyFile_startIsRefused() {
        assertThatThrownBy(() -> ChatConfigLoader.load(
                        Map.of("CHAT_JWT_HMAC_SECRET", "x".repeat(32), "CHAT_JWT_PUBLIC_KEY_FILE", "/k.pem"),
                        new Properties()))
                .hasMessageContaining("CHAT_JWT_HMAC_SECRET");
    }

    @Test
    void givenABurstOfZeroForALimitedRate_itNamesTheVariables() {
        assertThatThrownBy(() -> ChatConfigLoader.load(Map.of("CHAT_RATE_MESSAGES_BURST", "0"), new Properties()))
                .hasMessageContaining("CHAT_RATE_MESSAGES_BURST");
    }

    @Test
    void givenSystemProperty_itWinsOverTheEnvironment() {
        Properties properties = new Properties();
        properties.setProperty("chat.port", "7000");

        ChatConfig config = ChatConfigLoader.load(Map.of("CHAT_PORT", "9000"), properties);

        assertThat(config.server().port()).isEqualTo(7000);
    }

    @Test
    void givenMalformedValue_theErrorNamesTheVariable() {
        assertThatThrownBy(() -> ChatConfigLoader.load(Map.of("CHAT_PORT", "eighty"), new Properties()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CHAT_PORT");
    }

    @Test
    void givenOutOfRangeValue_itIsRefused() {
        assertThatThrownBy(() -> ChatConfigLoader.load(Map.of("CHAT_PORT", "70000"), new Properties()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port");
        assertThatThrownBy(() -> ChatConfigLoader.load(Map.of("CHAT_MAX_FRAME_BYTES", "10"), new Properties()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void givenNoRedisUrl_theInMemoryStoreIsChosen_andItsInjectorBuilds() {
        ChatConfig config = ChatConfig.defaults(0);

        assertThat(ChatApplication.modules(config))
                .hasAtLeastOneElementOfType(InMemoryStoreModule.class)
                .doesNotHaveAnyElementsOfTypes(RedisStoreModule.class);
        assertThat(ChatApplication.create(config)).isInstanceOf(ChatServer.class);
    }

    @Test
    void givenRedisUrl_theRedisStoreIsChosen_andItsInjectorBuildsWithoutConnecting() {
        ChatConfig config = ChatConfigLoader.load(Map.of("CHAT_REDIS_URL", "redis://127.0.0.1:1"), new Properties());

        assertThat(ChatApplication.modules(config))
                .hasAtLeastOneElementOfType(RedisStoreModule.class)
                .doesNotHaveAnyElementsOfTypes(InMemoryStoreModule.class);
        // Nothing listens on port 1: building must not connect (modules are side-effect free).
        assertThat(ChatApplication.create(config)).isInstanceOf(ChatServer.class);
    }

    @Test
    void givenRedisUrlWithAnotherScheme_itIsRefused() {
        assertThatThrownBy(() -> ChatConfigLoader.load(Map.of("CHAT_REDIS_URL", "http://redis:6379"), new Properties()))
                .hasMessageContaining("CHAT_REDIS_URL");
    }
}
