package dev.chat.app.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.Predicate;

/** What every test client offers, whatever its transport: the events it received, awaited with a timeout. */
public interface ChatClient {
    EventLog log();

    default JsonNode welcome() {
        return log().first("welcome");
    }

    default String nickname() {
        return welcome().path("user").textValue();
    }

    default String session() {
        return welcome().path("session").textValue();
    }

    default JsonNode await(String event) {
        return log().await(event, data -> true);
    }

    default JsonNode await(String event, Predicate<JsonNode> dataMatches) {
        return log().await(event, dataMatches);
    }

    default List<JsonNode> events() {
        return log().all();
    }

    default List<JsonNode> events(String event) {
        return log().data(event);
    }

    /** The resume cursor of a client in general only: the latest snapshot's epoch, and the last seq it has. */
    default String generalCursor() {
        List<JsonNode> snapshots = events("activeUsers").stream()
                .filter(data -> "general".equals(data.path("room").textValue()))
                .toList();
        JsonNode snapshot = snapshots.get(snapshots.size() - 1);
        long seq = snapshot.path("seq").longValue();
        for (JsonNode message : events("message")) {
            if ("general".equals(message.path("room").textValue())) {
                seq = Math.max(seq, message.path("seq").longValue());
            }
        }
        return "general:" + snapshot.path("epoch").textValue() + ":" + seq;
    }
}
