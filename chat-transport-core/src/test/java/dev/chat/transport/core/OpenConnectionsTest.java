package dev.chat.transport.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OpenConnectionsTest {
    private final OpenConnections<String, String> open = new OpenConnections<>();

    @Test
    void givenConnectionsThatCloseLater_awaitEmptyReturnsWhenTheLastOneIsRemoved() throws Exception {
        open.add("a", "A");
        open.add("b", "B");
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> open.awaitEmpty(Duration.ofSeconds(30)));

        open.remove("a");
        assertThat(open.snapshot()).containsExactly("B");
        open.remove("b");

        waiting.get(10, TimeUnit.SECONDS);
        assertThat(open.size()).isZero();
    }

    @Test
    void givenConnectionThatNeverCloses_awaitEmptyGivesUpAfterTheWait() {
        open.add("stuck", "S");

        open.awaitEmpty(Duration.ofMillis(50));

        assertThat(open.get("stuck")).isEqualTo("S");
        assertThat(open.remove("missing")).isNull();
    }
}
