package dev.chat.domain.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

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
}
