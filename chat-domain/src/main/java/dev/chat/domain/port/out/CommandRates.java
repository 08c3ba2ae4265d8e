package dev.chat.domain.port.out;

import dev.chat.domain.model.RateLimits;
import dev.chat.domain.model.SessionToken;
import java.time.Duration;
import java.util.Optional;

/**
 * Each session's command budgets ({@link RateLimits}), kept where every node that handles the session's commands
 * sees the same ones (a session's HTTP commands may land on any node). Thread-safe.
 */
public interface CommandRates {
    /** Takes nothing, refuses nothing. */
    CommandRates UNLIMITED = new CommandRates() {
        @Override
        public Optional<Duration> take(SessionToken session, RateLimits.Kind kind) {
            return Optional.empty();
        }

        @Override
        public RateLimits limits() {
            return RateLimits.NONE;
        }
    };

    /**
     * Takes one command from the session's budget of that kind.
     *
     * @return empty when taken; else how long until the budget has room (nothing was taken)
     */
    Optional<Duration> take(SessionToken session, RateLimits.Kind kind);

    /** The limits the budgets hold. */
    RateLimits limits();
}
