package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.domain.contract.CommandRatesContract;
import dev.chat.domain.model.RateLimits;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.CommandRates;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalCommandRatesTest extends CommandRatesContract {
    @Override
    protected CommandRates rates(RateLimits limits) {
        return new LocalCommandRates(limits);
    }

    @Test
    void givenBucketsThatFilledUpAgain_theyAreDropped_andMemoryFollowsTheActiveSessions() {
        LocalCommandRates rates = new LocalCommandRates(LIMITS);
        SessionToken quiet = SessionToken.generate();
        SessionToken busy = SessionToken.generate();
        rates.take(quiet, RateLimits.Kind.MESSAGES);
        for (int i = 0; i < 5; i++) {
            rates.take(busy, RateLimits.Kind.MESSAGES);
        }
        rates.take(busy, RateLimits.Kind.MESSAGES); // refused: empty

        await().atMost(Duration.ofSeconds(2)).until(() -> {
            rates.dropFullBuckets();
            return rates.bucketCount() < 2;
        });

        assertThat(rates.bucketCount()).isLessThanOrEqualTo(1);
        await().atMost(Duration.ofSeconds(2)).until(() -> {
            rates.dropFullBuckets();
            return rates.bucketCount() == 0;
        });
    }
}
