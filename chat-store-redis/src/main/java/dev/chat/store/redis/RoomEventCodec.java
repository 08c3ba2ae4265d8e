package dev.chat.store.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.MessageDraft;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomEvent;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.UserConnected;
import dev.chat.domain.model.UserDisconnected;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * How room events travel between nodes (pub/sub payloads and stream entries): small JSON objects. A stored message
 * carries its room's epoch, so a node that receives it can tell a new epoch's message from a repeat.
 *
 * <p>A message's payload never changes once stored, and the same payloads come back again and again: every joiner
 * reads its room's latest fifty, which this node mostly decoded already when they were published. Decoding them anew
 * for each joiner took a third of the Redis reply thread's time in a room with history (docs/performance-log.md, "A
 * joiner's history decoded once"), so message payloads decoded lately are kept, by payload (bounded by their size).
 */
final class RoomEventCodec {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How every message payload starts ({@link #template}); other payloads are decoded each time. */
    private static final String MESSAGE_START = "{\"t\":\"m\",";
    /**
     * At most this many characters of payload are kept decoded, counted twice (the payload and the decoded text): a few
     * MB, the latest fifty of over a hundred busy rooms.
     */
    static final long MAX_DECODED_CHARS = 4_000_000;

    /** Maintenance on the calling thread: the common pool may be one thread on a small machine, or busy. */
    private final Cache<String, Received> decodedMessages = Caffeine.newBuilder()
            .maximumWeight(MAX_DECODED_CHARS)
            .weigher((String payload, Received decoded) -> 2 * payload.length())
            .executor(Runnable::run)
            .build();

    /** The two halves of a message payload around its seq and epoch, which the append script fills in. */
    record MessageTemplate(String beforeSeq, String afterEpoch) {}

    /** A received event, and the epoch of its room's history when it is a stored message (else null). */
    record Received(RoomEvent event, String epoch) {}

    MessageTemplate template(MessageDraft draft) {
        ObjectNode rest = JSON.createObjectNode()
                .put("room", draft.room().value())
                .put("id", draft.id())
                .put("user", draft.user().value())
                .put("text", draft.text())
                .put("time", draft.time().toString());
        return new MessageTemplate(MESSAGE_START + "\"seq\":", "," + write(rest).substring(1));
    }

    /** A whole message without an epoch, for one published without the history (the bus allows it, the service not). */
    String message(ChatMessage message) {
        MessageTemplate template = template(
                new MessageDraft(message.room(), message.id(), message.user(), message.text(), message.time()));
        return template.beforeSeq() + message.seq() + template.afterEpoch();
    }

    String presence(RoomEvent event) {
        String type = event instanceof UserConnected ? "c" : "d";
        Nickname user = event instanceof UserConnected connected ? connected.user() : ((UserDisconnected) event).user();
        return write(JSON.createObjectNode()
                .put("t", type)
                .put("room", event.room().value())
                .put("user", user.value()));
    }

    RoomEvent decode(String payload) {
        return receive(payload).event();
    }

    /**
     * The same payload gives the same (immutable) instance while it is kept.
     *
     * @throws IllegalArgumentException for anything that is not a room event of ours (the readers log and skip it)
     */
    Received receive(String payload) {
        if (payload != null && payload.startsWith(MESSAGE_START)) {
            return decodedMessages.get(payload, RoomEventCodec::parse);
        }
        return parse(payload);
    }

    /** How many characters of decoded payloads are kept now (counted as {@link #MAX_DECODED_CHARS} counts them). */
    long decodedChars() {
        decodedMessages.cleanUp();
        return decodedMessages.policy().eviction().orElseThrow().weightedSize().orElseThrow();
    }

    private static Received parse(String payload) {
        try {
            JsonNode node = JSON.readTree(payload);
            return new Received(event(node, payload), node.path("epoch").textValue());
        } catch (JsonProcessingException | RuntimeException notOurs) { // missing fields, bad names, bad times
            String shown = payload == null || payload.length() <= 200 ? payload : payload.substring(0, 200) + "...";
            throw new IllegalArgumentException("not a room event: " + shown, notOurs);
        }
    }

    private static RoomEvent event(JsonNode node, String payload) {
        RoomName room = RoomName.of(node.path("room").textValue());
        Nickname user = new Nickname(node.path("user").textValue());
        return switch (node.path("t").textValue()) {
            case "m" ->
                new ChatMessage(
                        room,
                        node.path("seq").longValue(),
                        node.path("id").textValue(),
                        user,
                        node.path("text").textValue(),
                        Instant.parse(node.path("time").textValue()));
            case "c" -> new UserConnected(room, user);
            case "d" -> new UserDisconnected(room, user);
            default -> throw new IllegalArgumentException("unknown room event type: " + payload);
        };
    }

    private static String write(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
