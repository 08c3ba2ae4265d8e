package dev.chat.transport.sse;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Server-Sent Events settings.
 *
 * @param streamPath where clients open the event stream, e.g. {@code /chat/sse}
 * @param maxQueuedBytes outbound bytes one stream may have waiting; beyond that it is ended as a slow consumer
 * @param heartbeatInterval how often an idle stream gets a comment line, so proxies keep it and dead peers show
 * @param retry the reconnect delay suggested to EventSource clients
 */
public record SseSettings(String streamPath, long maxQueuedBytes, Duration heartbeatInterval, Duration retry) {
    public SseSettings {
        requireNonNull(streamPath, "streamPath");
        requireNonNull(heartbeatInterval, "heartbeatInterval");
        requireNonNull(retry, "retry");
        if (maxQueuedBytes < 1024) {
            throw new IllegalArgumentException("maxQueuedBytes must be at least 1024: " + maxQueuedBytes);
        }
        if (heartbeatInterval.isZero() || heartbeatInterval.isNegative()) {
            throw new IllegalArgumentException("heartbeatInterval must be positive");
        }
    }
}
