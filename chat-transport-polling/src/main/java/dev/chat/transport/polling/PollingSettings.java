package dev.chat.transport.polling;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Long-polling settings.
 *
 * @param path where clients poll, e.g. {@code /chat/poll}
 * @param maxQueuedBytes events one session may have waiting between polls; beyond that its feed is dropped and the
 *     next poll resumes from history
 * @param defaultTimeout how long a poll is held when nothing is waiting
 * @param maxTimeout the longest hold a client may ask for
 * @param idleMargin how long after its last poll should have returned a silent client still counts as polling
 */
public record PollingSettings(
        String path, long maxQueuedBytes, Duration defaultTimeout, Duration maxTimeout, Duration idleMargin) {
    public PollingSettings {
        requireNonNull(path, "path");
        requireNonNull(defaultTimeout, "defaultTimeout");
        requireNonNull(maxTimeout, "maxTimeout");
        requireNonNull(idleMargin, "idleMargin");
        if (defaultTimeout.compareTo(maxTimeout) > 0 || defaultTimeout.isNegative()) {
            throw new IllegalArgumentException("need 0 <= defaultTimeout <= maxTimeout");
        }
        if (maxQueuedBytes < 1024) {
            throw new IllegalArgumentException("maxQueuedBytes must be at least 1024");
        }
    }
}
