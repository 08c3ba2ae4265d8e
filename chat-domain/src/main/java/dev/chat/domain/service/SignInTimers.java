package dev.chat.domain.service;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.TokenExpiring;
import dev.chat.domain.port.out.EventEncoder;
import dev.chat.domain.port.out.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiConsumer;

/**
 * A signed-in session's sign-in running out: its client is told {@code tokenExpiring} a while before (so it can
 * send a fresh token), and when it runs out unrefreshed the session is ended. Anonymous sessions have no timers.
 */
final class SignInTimers {
    /** How long before the end the client is warned. */
    static final Duration WARNING = Duration.ofSeconds(60);

    private final Scheduler scheduler;
    private final Clock clock;
    private final EventEncoder encoder;
    private final BiConsumer<LocalSession, Instant> runOut;

    /** @param runOut ends a session whose sign-in ran out (called with the end it was scheduled for) */
    SignInTimers(Scheduler scheduler, Clock clock, EventEncoder encoder, BiConsumer<LocalSession, Instant> runOut) {
        this.scheduler = requireNonNull(scheduler, "scheduler");
        this.clock = requireNonNull(clock, "clock");
        this.encoder = requireNonNull(encoder, "encoder");
        this.runOut = requireNonNull(runOut, "runOut");
    }

    /** (Re)starts the session's timers for its current sign-in. Caller holds the session's lock. */
    void start(LocalSession session) {
        cancel(session);
        Instant until = session.identity.signedInUntil();
        if (until == null) {
            return;
        }
        Duration left = Duration.between(clock.instant(), until);
        Duration warnIn = left.minus(WARNING);
        session.signInWarning =
                scheduler.schedule(warnIn.isNegative() ? Duration.ZERO : warnIn, () -> warn(session, until));
        session.signInEnd =
                scheduler.schedule(left.isNegative() ? Duration.ZERO : left, () -> runOut.accept(session, until));
    }

    /** Caller holds the session's lock. */
    void cancel(LocalSession session) {
        session.cancelSignIn();
    }

    private void warn(LocalSession session, Instant until) {
        synchronized (session) {
            if (session.ended || !until.equals(session.identity.signedInUntil()) || session.connection == null) {
                return; // refreshed, gone, or away: a resume starts the timers again
            }
            session.connection.send(encoder.encode(new TokenExpiring(until)));
        }
    }
}
