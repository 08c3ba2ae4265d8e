package dev.chat.domain.model;

/**
 * Sent to every connection at the heartbeat interval, so a client can tell a quiet connection from a dead one (browsers
 * show JavaScript neither WebSocket pings nor SSE comments).
 */
public record Heartbeat() implements ServerEvent {
    public static final Heartbeat INSTANCE = new Heartbeat();
}
