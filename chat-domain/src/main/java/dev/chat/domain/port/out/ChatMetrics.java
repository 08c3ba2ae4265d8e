package dev.chat.domain.port.out;

import dev.chat.domain.model.NotRecovered;
import dev.chat.domain.model.RateLimits;

/**
 * What the domain tells operators about its work. Called at most once per command or per broadcast, never once per
 * recipient, so counting stays off the fan-out's hot path. Implementations must be thread-safe and must not block.
 */
public interface ChatMetrics {
    /** Does nothing: for tests and for running without metrics. */
    ChatMetrics NONE = new ChatMetrics() {};

    /** A message was stored and published. */
    default void messagePosted() {}

    /**
     * A room event was handed to this node's members of the room.
     *
     * @param frames how many connections it was handed to
     * @param postedToDeliveredNanos for a message, how long since it was posted (by any node's clock); else -1
     */
    default void delivered(int frames, long postedToDeliveredNanos) {}

    /** A presence event (arrival, departure) was handed to {@code frames} connections. */
    default void presenceFramesSent(int frames) {}

    /** A room of a resumed session was caught up: exactly, or not ({@code reason} says why). */
    default void resumed(NotRecovered.Reason reasonOrNullIfRecovered) {}

    /** A command was refused over its session's rate limit; {@code sessionEnded} when that ended a flooding session. */
    default void rateLimited(RateLimits.Kind kind, boolean sessionEnded) {}
}
