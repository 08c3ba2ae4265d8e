package dev.chat.transport.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class AddressLimitTest {
    private final AddressLimit limit = new AddressLimit(2);

    @Test
    void givenAnAddressAtItsLimit_moreAreRefused_whileOtherAddressesAreNot() {
        assertThat(limit.open("203.0.113.1")).isPresent();
        assertThat(limit.open("203.0.113.1")).isPresent();

        assertThat(limit.open("203.0.113.1")).isEmpty();
        assertThat(limit.open("203.0.113.2")).isPresent();
        assertThat(limit.openFrom("203.0.113.1")).isEqualTo(2);
    }

    @Test
    void givenAClosedConnection_itsPlaceIsFreeAgain_evenIfClosedTwice() {
        Runnable first = limit.open("203.0.113.1").orElseThrow();
        limit.open("203.0.113.1");

        first.run();
        first.run();

        assertThat(limit.openFrom("203.0.113.1")).isEqualTo(1);
        assertThat(limit.open("203.0.113.1")).isPresent();
        assertThat(limit.open("203.0.113.1")).isEmpty();
    }

    @Test
    void givenEveryConnectionClosed_theAddressIsForgotten() {
        Optional<Runnable> only = limit.open("203.0.113.1");
        Runnable continued = limit.continued("203.0.113.1");

        only.orElseThrow().run();
        continued.run();

        assertThat(limit.addresses()).isZero();
    }

    @Test
    void givenAContinuedConnection_itCountsButIsNeverRefused() {
        limit.open("203.0.113.1");
        limit.open("203.0.113.1");

        limit.continued("203.0.113.1");

        assertThat(limit.openFrom("203.0.113.1")).isEqualTo(3);
    }

    @Test
    void givenNoLimit_everyConnectionIsTaken() {
        AddressLimit none = AddressLimit.unlimited();
        for (int i = 0; i < 10_000; i++) {
            assertThat(none.open("203.0.113.1")).isPresent();
        }
    }
}
