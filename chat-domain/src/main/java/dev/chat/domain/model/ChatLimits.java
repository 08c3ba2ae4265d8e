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
 * @param presenceFramesPerSecond how many presence frames a room may cost this node per second while its churn goes on:
 *     a room with more local members than that gets them every few intervals instead of every one (and still within
 *     two intervals of the churn ending), so a crowd joining a room of 20,000 does not cost 20,000 writes a second
 * @param presenceBurstWindow how long a room at or under the limit holds the arrivals and departures that follow one it
 *     just sent, so that a burst of them costs each member one write instead of one each; zero sends every one at once
 */
public record ChatLimits(
        int maxTextLength,
        int maxRoomsPerSession,
        Duration reconnectGrace,
        int joinHistory,
        int memberListLimit,
        Duration presenceInterval,
        int presenceFramesPerSecond,
        Duration presenceBurstWindow) {
    public static final int DEFAULT_MEMBER_LIST_LIMIT = 200;
    public static final Duration DEFAULT_PRESENCE_INTERVAL = Duration.ofSeconds(1);
    /**
     * A room of 19,500 sending a frame per member per second spent a quarter of one core on the writes; this is about
     * a twentieth (docs/performance-log.md, "A presence budget for a room of 20,000").
     */
    public static final int DEFAULT_PRESENCE_FRAMES_PER_SECOND = 5_000;
    /**
     * Short enough that nobody sees it; long enough that a crowd arriving at a thousand a second shares a write per
     * member twenty at a time: the exact events of a room's first 200 members were 40 % of the first thousand connects'
     * CPU (docs/performance-log.md, "A small room's burst of arrivals in one write").
     */
    public static final Duration DEFAULT_PRESENCE_BURST_WINDOW = Duration.ofMillis(20);

    public static final ChatLimits DEFAULTS = new ChatLimits(
            4_000, 100, Duration.ofSeconds(10), 50, DEFAULT_MEMBER_LIST_LIMIT, DEFAULT_PRESENCE_INTERVAL);

    /** With the default presence frame budget and burst window. */
    public ChatLimits(
            int maxTextLength,
            int maxRoomsPerSession,
            Duration reconnectGrace,
            int joinHistory,
            int memberListLimit,
            Duration presenceInterval) {
        this(
                maxTextLength,
                maxRoomsPerSession,
                reconnectGrace,
                joinHistory,
                memberListLimit,
                presenceInterval,
                DEFAULT_PRESENCE_FRAMES_PER_SECOND,
                DEFAULT_PRESENCE_BURST_WINDOW);
    }

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

    /** These limits with another burst window ({@code Duration.ZERO}: every arrival and departure at once). */
    public ChatLimits withPresenceBurstWindow(Duration window) {
        return new ChatLimits(
                maxTextLength,
                maxRoomsPerSession,
                reconnectGrace,
                joinHistory,
                memberListLimit,
                presenceInterval,
                presenceFramesPerSecond,
                window);
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
        if (presenceFramesPerSecond < 1) {
            throw new IllegalArgumentException("presenceFramesPerSecond must be positive: " + presenceFramesPerSecond);
        }
        requireNonNull(presenceBurstWindow, "presenceBurstWindow");
        if (presenceBurstWindow.isNegative()) {
            throw new IllegalArgumentException("presenceBurstWindow must not be negative: " + presenceBurstWindow);
        }
        if (memberListLimit < 1) {
            throw new IllegalArgumentException("memberListLimit must be positive: " + memberListLimit);
        }
        if (joinHistory < 0) {
            throw new IllegalArgumentException("joinHistory must not be negative: " + joinHistory);
        }
    }
}
