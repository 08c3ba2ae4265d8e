package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Limits the service enforces on every client.
 *
 * @param maxTextLength maximum message length in Unicode code points
 * @param maxRoomsPerSession how many rooms one session may be in at once
 * @param reconnectGrace how long a session outlives its connection: a client back within it keeps its nickname and
 *     rooms, and nobody is told it left
 * @param joinHistory how many recent messages of a room a joiner is shown
 * @param memberListLimit how many members a room's snapshot lists at most (a bigger room's lists its first ones and
 *     says it is incomplete; the rest come page by page on request); also the size above which a room's arrivals and
 *     departures are coalesced
 * @param presenceInterval how often a room above the limit sends its members what changed (at most)
 */
public record ChatLimits(
        int maxTextLength,
        int maxRoomsPerSession,
        Duration reconnectGrace,
        int joinHistory,
        int memberListLimit,
        Duration presenceInterval) {
    public static final int DEFAULT_MEMBER_LIST_LIMIT = 200;
    public static final Duration DEFAULT_PRESENCE_INTERVAL = Duration.ofSeconds(1);
    public static final ChatLimits DEFAULTS = new ChatLimits(
            4_000, 100, Duration.ofSeconds(10), 50, DEFAULT_MEMBER_LIST_LIMIT, DEFAULT_PRESENCE_INTERVAL);

    /** With the default member list limit and presence interval. */
    public ChatLimits(int maxTextLength, int maxRoomsPerSession, Duration reconnectGrace, int joinHistory) {
        this(
                maxTextLength,
                maxRoomsPerSession,
                reconnectGrace,
                joinHistory,
                DEFAULT_MEMBER_LIST_LIMIT,
                DEFAULT_PRESENCE_INTERVAL);
    }

    public ChatLimits {
        if (maxTextLength < 1) {
            throw new IllegalArgumentException("maxTextLength must be positive: " + maxTextLength);
        }
        if (maxRoomsPerSession < 1) {
            throw new IllegalArgumentException("maxRoomsPerSession must be positive: " + maxRoomsPerSession);
        }
        requireNonNull(reconnectGrace, "reconnectGrace");
        if (reconnectGrace.isNegative()) {
            throw new IllegalArgumentException("reconnectGrace must not be negative: " + reconnectGrace);
        }
        requireNonNull(presenceInterval, "presenceInterval");
        if (presenceInterval.toMillis() < 1) {
            throw new IllegalArgumentException("presenceInterval must be at least 1 ms: " + presenceInterval);
        }
        if (memberListLimit < 1) {
            throw new IllegalArgumentException("memberListLimit must be positive: " + memberListLimit);
        }
        if (joinHistory < 0) {
            throw new IllegalArgumentException("joinHistory must not be negative: " + joinHistory);
        }
    }
}
