package dev.chat.domain.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;

class SessionTokenTest {
    @Test
    void generatedTokensAreLongUrlSafeAndDistinct() {
        Set<String> tokens = IntStream.range(0, 1_000)
                .mapToObj(i -> SessionToken.generate().value())
                .collect(Collectors.toSet());

        assertThat(tokens).hasSize(1_000).allMatch(t -> t.matches("[A-Za-z0-9_-]{22}"));
    }

    @Test
    void toStringDoesNotRevealTheToken() {
        SessionToken token = SessionToken.generate();

        assertThat(token.toString()).doesNotContain(token.value());
    }

    @ParameterizedTest
    @MethodSource("wellFormed")
    void givenAWellFormedToken_itIsAccepted(String value) {
        assertThat(new SessionToken(value).value()).isEqualTo(value);
    }

    @ParameterizedTest
    @NullSource
    @MethodSource("malformed")
    void givenAMalformedToken_itIsRefusedAsUnauthorized(String value) {
        assertThatThrownBy(() -> new SessionToken(value))
                .isInstanceOfSatisfying(
                        ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED));
    }

    static Stream<String> wellFormed() {
        return Stream.of("A".repeat(16), "z".repeat(128), "azAZ09-_azAZ09-_", "0123456789abcdefXYZ");
    }

    static Stream<String> malformed() {
        return Stream.of(
                "",
                "A".repeat(15),
                "z".repeat(129),
                "abcdefghijklmno+", // standard Base64's characters, not the URL-safe ones
                "abcdefghijklmno/",
                "abcdefghijklmno=",
                "abcdefghijklmno ",
                "abcdefghijklmnoé",
                "abcdefghijklmno\u0661",
                "abcdefghijklmno`",
                "abcdefghijklmno{",
                "abcdefghijklmno:",
                "abcdefghijklmno@",
                "abcdefghijklmno[");
    }
}
