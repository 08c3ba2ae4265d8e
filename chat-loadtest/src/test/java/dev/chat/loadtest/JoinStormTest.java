package dev.chat.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JoinStormTest {
    @Test
    void percentilesAreNearestRankInMilliseconds() {
        long[] nanos = new long[100];
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = (i + 1) * 1_000_000L; // 1 .. 100 ms
        }
        assertThat(JoinStorm.percentileMillis(nanos, 0.50)).isEqualTo(50.0);
        assertThat(JoinStorm.percentileMillis(nanos, 0.99)).isEqualTo(99.0);
        assertThat(JoinStorm.percentileMillis(nanos, 1.0)).isEqualTo(100.0);
        assertThat(JoinStorm.percentileMillis(new long[] {7_500_000L}, 0.99)).isEqualTo(7.5);
        assertThat(JoinStorm.percentileMillis(new long[0], 0.99)).isNaN();
    }
}
