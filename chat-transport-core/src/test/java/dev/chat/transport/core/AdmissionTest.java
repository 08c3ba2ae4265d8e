package dev.chat.transport.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AdmissionTest {
    @Test
    void givenARateLimit_aBurstOfOneSecondsWorthIsTaken_thenConnectsAreRefusedWithWhenToComeBack() {
        Admission admission = new Admission(0, 5, () -> 0);
        for (int i = 0; i < 5; i++) {
            assertThat(admission.admit()).as("connect %d", i).isEmpty();
        }

        assertThat(admission.admit()).hasValueSatisfying(refusal -> {
            assertThat(refusal.reason()).contains("too many new connections");
            assertThat(refusal.retryAfter()).isEqualTo(Duration.ofSeconds(1));
            assertThat(refusal.retryAfterHeader()).isEqualTo("1");
        });
    }

    @Test
    void givenAConnectionLimit_connectsAreRefusedWhileTheNodeIsFull_andTakenAgainWhenOneLeaves() {
        AtomicInteger open = new AtomicInteger(3);
        Admission admission = new Admission(3, 0, open::get);

        assertThat(admission.admit())
                .hasValueSatisfying(refusal -> assertThat(refusal.reason()).contains("full"));
        open.decrementAndGet();
        assertThat(admission.admit()).isEmpty();
    }

    @Test
    void givenClosedDoors_everyConnectIsRefused_withTheRetryAsked() {
        Admission admission = Admission.unlimited();
        assertThat(admission.admit()).isEmpty();

        admission.closeDoors(Duration.ofSeconds(11));

        assertThat(admission.admit())
                .hasValueSatisfying(refusal -> assertThat(refusal.retryAfter()).isEqualTo(Duration.ofSeconds(11)));
    }
}
