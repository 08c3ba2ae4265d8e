package dev.chat.app.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket chat client for integration tests: records every event it receives and lets a test await the
 * next one that matches, with a timeout.
 */
public final class WsTestClient implements ChatClient, AutoCloseable {
    public static final Duration TIMEOUT = EventLog.TIMEOUT;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final EventLog log = new EventLog();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private volatile long closedAtNanos;
    private final StringBuilder partial = new StringBuilder();
    private final boolean reading;
    private WebSocket socket;

    private WsTestClient(boolean reading) {
        this.reading = reading;
    }

    public static WsTestClient connect(URI uri) {
        return connect(uri, Map.of(), true);
    }

    /**
     * @param reading false for a client that reads nothing until {@link #startReading()}: a slow consumer
     */
    public static WsTestClient connect(URI uri, Map<String, String> headers, boolean reading) {
        return connectAsync(uri, headers, reading)
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
    }

    /** Starts the handshake without waiting, so a test can open many connections at once. */
    public static CompletableFuture<WsTestClient> connectAsync(URI uri, Map<String, String> headers, boolean reading) {
        WsTestClient client = new WsTestClient(reading);
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT);
        headers.forEach(builder::header);
        return builder.buildAsync(uri, client.new Listener()).thenApply(socket -> {
            client.socket = socket;
            return client;
        });
    }

    @Override
    public EventLog log() {
        return log;
    }

    /** Waits until the client has its first member list: from then on it receives every event of general. */
    public WsTestClient awaitJoined() {
        log.first("activeUsers");
        return this;
    }

    public void send(String frame) {
        socket.sendText(frame, true).orTimeout(10, TimeUnit.SECONDS).join();
    }

    public void sendJson(Object envelope) {
        try {
            send(EventLog.JSON.writeValueAsString(envelope));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public void sendMessage(String room, String text, String ref) {
        sendJson(Map.of("event", "message", "data", Map.of("room", room, "text", text, "ref", ref)));
    }

    public void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true)
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
    }

    public void join(String room) {
        sendJson(Map.of("event", "join", "data", Map.of("room", room)));
    }

    public void leave(String room) {
        sendJson(Map.of("event", "leave", "data", Map.of("room", room)));
    }

    /** When the close arrived ({@link System#nanoTime()}); 0 while open. */
    public long closedAtNanos() {
        return closedAtNanos;
    }

    /** The close code the server sent; waits for it. */
    public int awaitCloseCode() {
        return closeCode.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    public void startReading() {
        socket.request(Long.MAX_VALUE);
    }

    /** Closes with this code, as a client that means it (1000: done; 1001: the tab is going away). */
    public void closeWith(int code) {
        socket.sendClose(code, "bye").orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** Drops the connection without a close frame, as a lost network does (the server sees 1006). */
    public void drop() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        @Override
        public void onOpen(WebSocket webSocket) {
            if (reading) {
                webSocket.request(Long.MAX_VALUE);
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                log.recordEnvelope(partial.toString());
                partial.setLength(0);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closedAtNanos = System.nanoTime();
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.complete(-1);
        }
    }
}
