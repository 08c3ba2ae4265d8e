package dev.chat.store.redis;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/** What one node tells another on its node channel: small JSON objects with a type field {@code t}. */
sealed interface NodeMessage {
    ObjectMapper JSON = new ObjectMapper();

    /** Sends a node a message on its node channel; returns how many subscribers got it (0: that node is gone). */
    @FunctionalInterface
    interface Sender {
        long send(String node, NodeMessage message);
    }

    /** Your claim {@code claim} on {@code session} was superseded: another node serves it now. */
    record Taken(String session, String claim) implements NodeMessage {
        public Taken {
            requireNonNull(session, "session");
            requireNonNull(claim, "claim");
        }
    }

    /** A relayed request: answer {@code id} on node {@code from}'s channel. */
    record Ask(String id, String from, String topic, String session, String body) implements NodeMessage {
        public Ask {
            requireNonNull(id, "id");
            requireNonNull(from, "from");
            requireNonNull(topic, "topic");
            requireNonNull(session, "session");
            requireNonNull(body, "body");
        }
    }

    /** The answer to request {@code id}. */
    record Answer(String id, String body) implements NodeMessage {
        public Answer {
            requireNonNull(id, "id");
            requireNonNull(body, "body");
        }
    }

    /** Request {@code id} could not be answered; {@code code} is an error code's wire form. */
    record Failed(String id, String code, String message) implements NodeMessage {
        public Failed {
            requireNonNull(id, "id");
            requireNonNull(code, "code");
            requireNonNull(message, "message");
        }
    }

    default String encode() {
        ObjectNode node = JSON.createObjectNode();
        if (this instanceof Taken taken) {
            node.put("t", "taken").put("session", taken.session()).put("claim", taken.claim());
        } else if (this instanceof Ask ask) {
            node.put("t", "ask")
                    .put("id", ask.id())
                    .put("from", ask.from())
                    .put("topic", ask.topic())
                    .put("session", ask.session())
                    .put("body", ask.body());
        } else if (this instanceof Answer answer) {
            node.put("t", "answer").put("id", answer.id()).put("body", answer.body());
        } else {
            Failed failed = (Failed) this;
            node.put("t", "failed")
                    .put("id", failed.id())
                    .put("code", failed.code())
                    .put("message", failed.message());
        }
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws IllegalArgumentException for anything that is not a node message */
    static NodeMessage decode(String payload) {
        JsonNode node;
        try {
            node = JSON.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a node message: " + payload, e);
        }
        try {
            return switch (node.path("t").asText()) {
                case "taken" -> new Taken(text(node, "session"), text(node, "claim"));
                case "ask" ->
                    new Ask(
                            text(node, "id"),
                            text(node, "from"),
                            text(node, "topic"),
                            text(node, "session"),
                            text(node, "body"));
                case "answer" -> new Answer(text(node, "id"), text(node, "body"));
                case "failed" -> new Failed(text(node, "id"), text(node, "code"), text(node, "message"));
                default -> throw new IllegalArgumentException("unknown node message type: " + payload);
            };
        } catch (NullPointerException missingField) {
            throw new IllegalArgumentException("incomplete node message: " + payload, missingField);
        }
    }

    private static String text(JsonNode node, String field) {
        return node.path(field).textValue();
    }
}
