package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How many commands a session may send: each budget allows {@code perSecond} on average and {@code burst} at once
 * (a token bucket). A session that keeps sending at several times a budget's rate ({@link #ABUSE_FACTOR}) for the
 * whole {@code abuseWindow} is ended.
 *
 * @param messages budget for {@code message} commands
 * @param rooms budget for {@code join}, {@code leave} and {@code members}: room churn floods others with presence
 * @param abuseWindow how long a flood may last before the session is ended; zero never ends one
 */
public record RateLimits(Budget messages, Budget rooms, Duration abuseWindow) {
    /** A flood counts as abuse at this many times the budget's rate (the refused part is all but one of them). */
    public static final int ABUSE_FACTOR = 3;

    public static final RateLimits NONE = new RateLimits(Budget.UNLIMITED, Budget.UNLIMITED, Duration.ZERO);

    public RateLimits {
        requireNonNull(messages, "messages");
        requireNonNull(rooms, "rooms");
        requireNonNull(abuseWindow, "abuseWindow");
        if (abuseWindow.isNegative()) {
            throw new IllegalArgumentException("abuseWindow must not be negative: " + abuseWindow);
        }
    }

    public Budget of(Kind kind) {
        return kind == Kind.MESSAGES ? messages : rooms;
    }

    /** Which budget a command takes from. */
    public enum Kind {
        MESSAGES,
        ROOMS;

        public static Kind of(ClientCommand command) {
            return command instanceof SendMessage ? MESSAGES : ROOMS;
        }
    }

    /**
     * @param perSecond commands per second on average; 0 for no limit
     * @param burst commands at once, at least {@code perSecond} when limited
     */
    public record Budget(int perSecond, int burst) {
        public static final Budget UNLIMITED = new Budget(0, 0);

        public Budget {
            if (perSecond < 0 || burst < 0) {
                throw new IllegalArgumentException("a budget must not be negative: " + perSecond + "/s, " + burst);
            }
            if (perSecond > 0 && burst < 1) {
                throw new IllegalArgumentException("a limited budget needs a burst of at least 1: " + burst);
            }
        }

        public boolean limited() {
            return perSecond > 0;
        }
    }
}
