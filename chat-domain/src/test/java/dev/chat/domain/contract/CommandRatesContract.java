package dev.chat.domain.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.domain.model.RateLimits;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.CommandRates;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What every {@link CommandRates} adapter must do: token buckets per session and kind, as {@link RateLimits} say. */
public abstract class CommandRatesContract {
    protected static final RateLimits LIMITS =
            new RateLimits(new RateLimits.Budget(10, 5), new RateLimits.Budget(2, 3), Duration.ofSeconds(10));

    /** A fresh adapter holding {@code limits}. */
    protected abstract CommandRates rates(RateLimits limits);

    @Test
    void givenASession_itMayTakeItsBurst_thenIsToldHowLongToWait() {
        CommandRates rates = rates(LIMITS);
        SessionToken session = SessionToken.generate();

        for (int i = 0; i < 5; i++) {
            assertThat(rates.take(session, RateLimits.Kind.MESSAGES))
                    .as("command %d", i)
                    .isEmpty();
        }
        Optional<Duration> wait = rates.take(session, RateLimits.Kind.MESSAGES);

        assertThat(wait)
                .hasValueSatisfying(duration -> assertThat(duration)
                        .isPositive()
                        .isLessThanOrEqualTo(Duration.ofMillis(100))); // one token at 10 a second
    }

    @Test
    void givenAnExhaustedBudget_itRefillsAtItsRate() {
        CommandRates rates = rates(LIMITS);
        SessionToken session = SessionToken.generate();
        for (int i = 0; i < 5; i++) {
            rates.take(session, RateLimits.Kind.MESSAGES);
        }

        await().atMost(Duration.ofSeconds(2))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> rates.take(session, RateLimits.Kind.MESSAGES).isEmpty());
    }

    @Test
    void givenEachKindAndEachSession_theirBudgetsAreTheirOwn() {
        CommandRates rates = rates(LIMITS);
        SessionToken session = SessionToken.generate();
        SessionToken other = SessionToken.generate();
        for (int i = 0; i < 3; i++) {
            rates.take(session, RateLimits.Kind.ROOMS);
        }

        assertThat(rates.take(session, RateLimits.Kind.ROOMS)).isPresent();
        assertThat(rates.take(session, RateLimits.Kind.MESSAGES)).isEmpty();
        assertThat(rates.take(other, RateLimits.Kind.ROOMS)).isEmpty();
    }

    @Test
    void givenADisabledBudget_nothingIsEverRefused() {
        CommandRates rates = rates(new RateLimits(RateLimits.Budget.UNLIMITED, LIMITS.rooms(), LIMITS.abuseWindow()));
        SessionToken session = SessionToken.generate();

        for (int i = 0; i < 1_000; i++) {
            assertThat(rates.take(session, RateLimits.Kind.MESSAGES)).isEmpty();
        }
        assertThat(rates.limits().messages().limited()).isFalse();
    }
}
