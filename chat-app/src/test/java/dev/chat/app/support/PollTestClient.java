package dev.chat.app.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real long-polling client for integration tests: each poll hands in the cursor of the previous answer. Given
 * several nodes, it sends each poll to the next one, as a round-robin load balancer would.
 */
public final class PollTestClient implements ChatClient {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final EventLog log = new EventLog();
    private final List<URI> pollUris;
    private final AtomicInteger polls = new AtomicInteger();
    private volatile String session;
    private volatile String cursor;
    private volatile boolean polling;

    PollTestClient(List<URI> pollUris) {
        this.pollUris = List.copyOf(pollUris);
    }

    @Override
    public EventLog log() {
        return log;
    }

    @Override
    public String session() {
        return session;
    }

    public String cursor() {
        return cursor;
    }

    /** One poll that returns at once. */
    public HttpResponse<String> pollNow() {
        return poll(0).join();
    }

    /** One poll, held up to {@code timeoutSeconds}; its events are recorded and its cursor kept. */
    public CompletableFuture<HttpResponse<String>> poll(int timeoutSeconds) {
        return pollWith(cursor, timeoutSeconds);
    }

    /** A poll with a cursor of the test's choosing (an older one, another feed's). */
    public CompletableFuture<HttpResponse<String>> pollWith(String withCursor, int timeoutSeconds) {
        String query = session == null
                ? ""
                : "?session=" + session + "&timeout=" + timeoutSeconds
                        + (withCursor == null
                                ? ""
                                : "&cursor=" + URLEncoder.encode(withCursor, StandardCharsets.UTF_8));
        URI pollUri = pollUris.get(polls.getAndIncrement() % pollUris.size());
        return HTTP.sendAsync(
                        HttpRequest.newBuilder(URI.create(pollUri + query)).build(),
                        HttpResponse.BodyHandlers.ofString())
                .thenApply(this::record);
    }

    /** Polls in a loop in the background, as a browser client does, until {@link #stopPolling()} (or a poll fails). */
    public PollTestClient keepPolling(int timeoutSeconds) {
        polling = true;
        CompletableFuture.runAsync(() -> {
            while (polling) {
                poll(timeoutSeconds).join();
            }
        });
        return this;
    }

    /** Ends the loop after the poll in flight: the client then counts as gone once its node notices. */
    public void stopPolling() {
        polling = false;
    }

    /** The raw answer to a poll of {@code query}, recorded nowhere. */
    public static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> record(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            return response;
        }
        try {
            JsonNode body = EventLog.JSON.readTree(response.body());
            body.path("events").forEach(envelope -> log.recordEnvelope(envelope.toString()));
            cursor = body.path("cursor").textValue();
            if (session == null) {
                session = welcome().path("session").textValue();
            }
            return response;
        } catch (JsonProcessingException e) {
            throw new AssertionError("server sent invalid JSON: " + response.body(), e);
        }
    }
}
