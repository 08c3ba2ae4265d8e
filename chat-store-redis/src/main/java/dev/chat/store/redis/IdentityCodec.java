package dev.chat.store.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chat.domain.model.Identity;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomAccess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A session's identity in its Redis hash: empty for anonymous, else
 * {@code {"user":SUB,"nickname":NAME,"until":EPOCH_MS,"rooms":[...]}} ({@code rooms} absent for every room).
 */
final class IdentityCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private IdentityCodec() {}

    static String encode(Identity identity) {
        if (!identity.isSignedIn()) {
            return "";
        }
        ObjectNode node = JSON.createObjectNode()
                .put("user", identity.userId())
                .put("nickname", identity.nickname().value())
                .put("until", identity.signedInUntil().toEpochMilli());
        if (!identity.access().everyRoom()) {
            ArrayNode rooms = node.putArray("rooms");
            identity.access().patterns().forEach(rooms::add);
        }
        return node.toString();
    }

    /** @param stored the field's value; null or empty for anonymous (and for sessions stored before identities) */
    static Identity decode(String stored) {
        if (stored == null || stored.isEmpty()) {
            return Identity.ANONYMOUS;
        }
        JsonNode node;
        try {
            node = JSON.readTree(stored);
        } catch (IOException e) {
            throw new UncheckedIOException("a session's stored identity is not JSON", e);
        }
        RoomAccess access = RoomAccess.EVERY_ROOM;
        if (node.has("rooms")) {
            List<String> patterns = new ArrayList<>();
            node.get("rooms").forEach(room -> patterns.add(room.asText()));
            access = RoomAccess.only(patterns);
        }
        return Identity.signedIn(
                node.path("user").asText(),
                new Nickname(node.path("nickname").asText()),
                access,
                Instant.ofEpochMilli(node.path("until").asLong()));
    }
}
