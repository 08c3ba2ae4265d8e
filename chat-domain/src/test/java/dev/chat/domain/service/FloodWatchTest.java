package dev.chat.domain.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.domain.model.RateLimits;
import dev.chat.domain.model.SessionToken;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FloodWatchTest {
    private static final RateLimits LIMITS =
            new RateLimits(new RateLimits.Budget(10, 20), new RateLimits.Budget(5, 10), Duration.ofSeconds(3));

    private final FloodWatch watch = new FloodWatch(LIMITS);
    private final SessionToken session = SessionToken.generate();

    @Test
    void givenRefusalsAtThreeTimesTheRate_forTheWindow_itIsAbuse() {
        // 20 refused a second (2 x 10 over the limit: the sender sends about 3 x 10).
        assertThat(refuseEvenly(session, RateLimits.Kind.MESSAGES, 0, 2_999, 20))
                .isFalse();
        assertThat(watch.refused(session, RateLimits.Kind.MESSAGES, 3_000)).isTrue();
    }

    @Test
    void givenOneSecondUnderTheFloodRate_theWindowStartsOver() {
        refuseEvenly(session, RateLimits.Kind.MESSAGES, 0, 1_999, 20);
        refuseEvenly(session, RateLimits.Kind.MESSAGES, 2_000, 2_999, 5);

        assertThat(refuseEvenly(session, RateLimits.Kind.MESSAGES, 3_000, 5_999, 20))
                .isFalse();
        assertThat(watch.refused(session, RateLimits.Kind.MESSAGES, 6_000)).isTrue();
    }

    @Test
    void givenEachBudget_itsFloodIsCountedAtItsOwnRate() {
        // 10 refused a second floods the room budget (5/s) but not the message budget (10/s).
        assertThat(refuseEvenly(session, RateLimits.Kind.MESSAGES, 0, 3_999, 10))
                .isFalse();
        assertThat(refuseEvenly(session, RateLimits.Kind.ROOMS, 0, 3_999, 10)).isTrue();
    }

    @Test
    void givenOtherSessions_theirFloodsAreTheirOwn() {
        SessionToken other = SessionToken.generate();
        refuseEvenly(session, RateLimits.Kind.MESSAGES, 0, 2_999, 20);

        assertThat(watch.refused(other, RateLimits.Kind.MESSAGES, 3_000)).isFalse();
    }

    @Test
    void givenNoAbuseWindow_nothingIsAbuse() {
        FloodWatch lenient = new FloodWatch(new RateLimits(LIMITS.messages(), LIMITS.rooms(), Duration.ZERO));
        for (long at = 0; at < 60_000; at += 1) {
            assertThat(lenient.refused(session, RateLimits.Kind.MESSAGES, at)).isFalse();
        }
        assertThat(lenient.remembered()).isZero();
    }

    @Test
    void givenAForgottenSession_nothingOfItIsKept() {
        refuseEvenly(session, RateLimits.Kind.MESSAGES, 0, 999, 20);
        refuseEvenly(session, RateLimits.Kind.ROOMS, 0, 999, 20);

        watch.forget(session);

        assertThat(watch.remembered()).isZero();
    }

    /** Refuses {@code perSecond} a second from {@code from} to {@code to} ms; true if any refusal was abuse. */
    private boolean refuseEvenly(SessionToken who, RateLimits.Kind kind, long from, long to, int perSecond) {
        boolean abuse = false;
        long gap = 1_000 / perSecond;
        for (long at = from; at <= to; at += gap) {
            abuse |= watch.refused(who, kind, at);
        }
        return abuse;
    }
}
