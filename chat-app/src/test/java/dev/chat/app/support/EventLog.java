package dev.chat.app.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** The events a test client received, in order, and waiting for the next one that matches. */
public final class EventLog {
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    public static final ObjectMapper JSON = new ObjectMapper();

    private final List<JsonNode> events = new ArrayList<>();
    private final List<Boolean> taken = new ArrayList<>();

    /** Records a {@code {"event": .., "data": ..}} envelope. */
    public synchronized void recordEnvelope(String frame) {
        try {
            add(JSON.readTree(frame));
        } catch (JsonProcessingException e) {
            throw new AssertionError("server sent invalid JSON: " + frame, e);
        }
    }

    /** Records an event that arrived as a name and its data JSON (SSE, polling). */
    public synchronized void record(String name, String dataJson) {
        try {
            ObjectNode envelope = JSON.createObjectNode();
            envelope.put("event", name);
            envelope.set("data", JSON.readTree(dataJson));
            add(envelope);
        } catch (JsonProcessingException e) {
            throw new AssertionError("server sent invalid JSON: " + dataJson, e);
        }
    }

    public synchronized List<JsonNode> all() {
        return List.copyOf(events);
    }

    public synchronized List<JsonNode> data(String event) {
        return events.stream()
                .filter(e -> event.equals(e.path("event").textValue()))
                .map(e -> e.path("data"))
                .toList();
    }

    /** The data of the first not yet awaited event of that name whose data matches; waits for it if needed. */
    public JsonNode await(String event, Predicate<JsonNode> dataMatches) {
        JsonNode[] found = new JsonNode[1];
        awaiting().until(() -> (found[0] = take(event, dataMatches)) != null);
        return found[0];
    }

    /** The data of the first event of that name, waiting for it; it stays available to {@link #await}. */
    public JsonNode first(String event) {
        awaiting().until(() -> !data(event).isEmpty());
        return data(event).get(0);
    }

    /** Checks at once, then every 10 ms: events usually arrive within a millisecond or two. */
    public static ConditionFactory awaiting() {
        return Awaitility.await().atMost(TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10));
    }

    private void add(JsonNode envelope) {
        events.add(envelope);
        taken.add(false);
    }

    private synchronized JsonNode take(String event, Predicate<JsonNode> dataMatches) {
        for (int i = 0; i < events.size(); i++) {
            JsonNode envelope = events.get(i);
            if (!taken.get(i)
                    && event.equals(envelope.path("event").textValue())
                    && dataMatches.test(envelope.path("data"))) {
                taken.set(i, true);
                return envelope.path("data");
            }
        }
        return null;
    }
}
