package dev.chat.transport.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OriginPolicyTest {
    private final OriginPolicy localDefault = OriginPolicy.of(List.of());
    private final OriginPolicy configured =
            OriginPolicy.of(List.of("https://chat.example.com", "http://app.test:3000/"));

    @ParameterizedTest(name = "default: Origin {0}, Host {1} -> {2}")
    @CsvSource(
            nullValues = "NONE",
            value = {
                "NONE, chat.example.com, true",
                "http://localhost:5173, chat.example.com, true",
                "http://127.0.0.1:9000, chat.example.com, true",
                "http://[::1]:9000, chat.example.com, true",
                "https://chat.example.com, chat.example.com, true",
                "http://chat.example.com:8080, chat.example.com:8080, true",
                "http://chat.example.com:8080, chat.example.com:9090, false",
                "https://evil.example, chat.example.com, false",
                "http://localhost.evil.example, chat.example.com, false",
                "null, chat.example.com, false",
                "not a uri at all, chat.example.com, false",
            })
    void defaultPolicy(String origin, String host, boolean allowed) {
        assertThat(localDefault.allows(origin, host)).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "configured: Origin {0}, Host {1} -> {2}")
    @CsvSource(
            nullValues = "NONE",
            value = {
                "https://chat.example.com, other.host, true",
                "HTTPS://CHAT.EXAMPLE.COM, other.host, true",
                "http://app.test:3000, other.host, true",
                "http://chat.example.com, other.host, false",
                "http://localhost:5173, other.host, false",
                "http://other.host, other.host, true",
                "NONE, other.host, true",
            })
    void configuredPolicy(String origin, String host, boolean allowed) {
        assertThat(configured.allows(origin, host)).isEqualTo(allowed);
    }

    @ParameterizedTest
    @CsvSource({"https://anything.example", "http://localhost:1"})
    void wildcardAllowsAnyOrigin(String origin) {
        assertThat(OriginPolicy.of(List.of("*")).allows(origin, "chat.example.com"))
                .isTrue();
    }
}
