package dev.chat.transport.sse;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Server-Sent Events and HTTP send settings.
 *
 * @param streamPath where clients open the event stream, e.g. {@code /chat/sse}
 * @param sendPath where HTTP clients POST commands, e.g. {@code /chat/send}
 * @param maxQueuedBytes outbound bytes one stream may have waiting; beyond that it is ended as a slow consumer
 * @param maxBodyBytes largest command body accepted; a larger one gets 413
 * @param heartbeatInterval how often an idle stream gets a comment line, so proxies keep it and dead peers show
 * @param retry the reconnect delay suggested to EventSource clients
 */
public record SseSettings(
        String streamPath,
        String sendPath,
        long maxQueuedBytes,
        int maxBodyBytes,
        Duration heartbeatInterval,
        Duration retry) {
    public SseSettings {
        requireNonNull(streamPath, "streamPath");
        requireNonNull(sendPath, "sendPath");
        requireNonNull(heartbeatInterval, "heartbeatInterval");
        requireNonNull(retry, "retry");
        if (maxQueuedBytes < maxBodyBytes || maxBodyBytes < 1024) {
            throw new IllegalArgumentException("need maxBodyBytes >= 1024 and maxQueuedBytes >= maxBodyBytes");
        }
        if (heartbeatInterval.isZero() || heartbeatInterval.isNegative()) {
            throw new IllegalArgumentException("heartbeatInterval must be positive");
        }
    }
}
