package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

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
