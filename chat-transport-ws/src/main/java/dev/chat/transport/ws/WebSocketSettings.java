package dev.chat.transport.ws;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * WebSocket endpoint settings.
 *
 * @param path where clients connect, e.g. {@code /chat}
 * @param maxFrameBytes largest client message accepted; a larger one closes the connection with 1009
 * @param maxQueuedBytes outbound bytes one connection may have waiting; beyond that it is closed as a slow consumer
 * @param pingInterval how often the server pings, so dead peers and idle proxies are noticed
 * @param idleTimeout a connection with no traffic at all (not even pongs) for this long is closed
 */
public record WebSocketSettings(
        String path, int maxFrameBytes, long maxQueuedBytes, Duration pingInterval, Duration idleTimeout) {
    public WebSocketSettings {
        requireNonNull(path, "path");
        requireNonNull(pingInterval, "pingInterval");
        requireNonNull(idleTimeout, "idleTimeout");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with /: " + path);
        }
        if (maxFrameBytes < 1024) {
            throw new IllegalArgumentException("maxFrameBytes must be at least 1024: " + maxFrameBytes);
        }
        if (maxQueuedBytes < maxFrameBytes) {
            throw new IllegalArgumentException("maxQueuedBytes must be at least maxFrameBytes: " + maxQueuedBytes);
        }
        if (idleTimeout.compareTo(pingInterval) <= 0) {
            throw new IllegalArgumentException("idleTimeout must be longer than pingInterval");
        }
    }
}
