package dev.chat.domain.model;

/**
 * Limits the service enforces on every client.
 *
 * @param maxTextLength maximum message length in Unicode code points
 * @param maxRoomsPerSession how many rooms one session may be in at once
 */
public record ChatLimits(int maxTextLength, int maxRoomsPerSession) {
    public static final ChatLimits DEFAULTS = new ChatLimits(4_000, 100);

    public ChatLimits {
        if (maxTextLength < 1) {
            throw new IllegalArgumentException("maxTextLength must be positive: " + maxTextLength);
        }
        if (maxRoomsPerSession < 1) {
            throw new IllegalArgumentException("maxRoomsPerSession must be positive: " + maxRoomsPerSession);
        }
    }
}
