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
}
