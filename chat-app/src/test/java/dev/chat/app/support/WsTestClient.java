package dev.chat.app.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * A real WebSocket chat client for integration tests: records every event it receives and lets a test await the
 * next one that matches, with a timeout.
 */
public final class WsTestClient implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final List<JsonNode> events = new ArrayList<>();
    private final List<Boolean> consumed = new ArrayList<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
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

    /** Awaits the welcome and returns its data; unlike {@link #await}, it can be asked again. */
    public JsonNode welcome() {
        awaiting().until(() -> !events("welcome").isEmpty());
        return events("welcome").get(0);
    }

    /** Waits until the client has its first member list: from then on it receives every event of general. */
    public WsTestClient awaitJoined() {
        awaiting().until(() -> !events("activeUsers").isEmpty());
        return this;
    }

    public String nickname() {
        return welcome().path("user").textValue();
    }

    public JsonNode await(String event) {
        return await(event, data -> true);
    }

    /** The data of the first not yet awaited event of that name whose data matches; waits for it if needed. */
    public JsonNode await(String event, Predicate<JsonNode> dataMatches) {
        JsonNode[] found = new JsonNode[1];
        awaiting().until(() -> (found[0] = take(event, dataMatches)) != null);
        return found[0];
    }

    /** Every event received so far, including awaited ones, as {@code {event, data}} envelopes. */
    public synchronized List<JsonNode> events() {
        return List.copyOf(events);
    }

    public synchronized List<JsonNode> events(String event) {
        return events.stream()
                .filter(e -> event.equals(e.path("event").textValue()))
                .map(e -> e.path("data"))
                .toList();
    }

    public void send(String frame) {
        socket.sendText(frame, true).orTimeout(10, TimeUnit.SECONDS).join();
    }

    public void sendJson(Object envelope) {
        try {
            send(JSON.writeValueAsString(envelope));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
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

    /** The close code the server sent; waits for it. */
    public int awaitCloseCode() {
        return closeCode.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    public boolean isClosedByServer() {
        return closeCode.isDone();
    }

    public void startReading() {
        socket.request(Long.MAX_VALUE);
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }

    /** Checks at once, then every 10 ms: events usually arrive within a millisecond or two. */
    private static ConditionFactory awaiting() {
        return Awaitility.await().atMost(TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10));
    }

    private synchronized JsonNode take(String event, Predicate<JsonNode> dataMatches) {
        for (int i = 0; i < events.size(); i++) {
            JsonNode envelope = events.get(i);
            if (!consumed.get(i)
                    && event.equals(envelope.path("event").textValue())
                    && dataMatches.test(envelope.path("data"))) {
                consumed.set(i, true);
                return envelope.path("data");
            }
        }
        return null;
    }

    private synchronized void record(String frame) {
        try {
            events.add(JSON.readTree(frame));
            consumed.add(false);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError("server sent invalid JSON: " + frame, e);
        }
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
                record(partial.toString());
                partial.setLength(0);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.complete(-1);
        }
    }
}
