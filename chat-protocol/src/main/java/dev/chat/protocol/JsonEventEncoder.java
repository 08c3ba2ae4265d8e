package dev.chat.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import dev.chat.domain.model.Ack;
import dev.chat.domain.model.ActiveUsers;
import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.ErrorEvent;
import dev.chat.domain.model.Heartbeat;
import dev.chat.domain.model.MembersPage;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.NotRecovered;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.model.PresenceChange;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.ServerEvent;
import dev.chat.domain.model.TokenExpiring;
import dev.chat.domain.model.UserConnected;
import dev.chat.domain.model.UserDisconnected;
import dev.chat.domain.model.Welcome;
import dev.chat.domain.port.out.EventEncoder;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/** Encodes server events as the wire's JSON envelope {@code {"event": NAME, "data": {...}}}. Thread-safe. */
public final class JsonEventEncoder implements EventEncoder {
    /**
     * Jackson's default recycles buffers per thread; with Jetty's pool of up to ~250 threads and member lists of large
     * rooms (40 KB of JSON for 2000 members) that kept ~200 MB alive. A small shared pool bounds it.
     */
    private static final int RECYCLED_BUFFERS = 16;

    /** A generated nickname's length with its quotes and comma ("QuiteBraveDragon" is 16): a longer list grows once. */
    private static final int TYPICAL_NAME_CHARS = 24;

    /** Member lists at least this long are kept encoded: a big room's joiners are sent the same list again and again. */
    private static final int KEPT_LIST_NAMES = 32;
    /** How many member lists are kept encoded (a few KB each): joins crowd into a few rooms at a time. */
    private static final int KEPT_LISTS = 16;

    private final JsonFactory factory = JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.newBoundedPool(RECYCLED_BUFFERS))
            .build();
    private final AtomicReferenceArray<EncodedNames> keptLists = new AtomicReferenceArray<>(KEPT_LISTS);

    /** A list of names (an event's, immutable) and its JSON array. */
    private record EncodedNames(List<Nickname> names, String json) {}

    /**
     * Writes the envelope in one pass into a buffer sized for it, and lets the event cut its {@code data} out only
     * if a transport asks: a joiner's member list used to be written into a buffer that grew from 128 characters, then
     * copied into the envelope (16 KB allocated for a 4 KB list, {@code GreetingEncodingBenchmark}).
     */
    @Override
    public OutboundEvent encode(ServerEvent event) {
        String name = EventNames.of(event);
        StringWriter out = new StringWriter(sizeHint(event));
        out.write("{\"event\":\"");
        out.write(name);
        out.write("\",\"data\":");
        int dataStart = out.getBuffer().length();
        try {
            try (JsonGenerator json = factory.createGenerator(out)) {
                json.writeStartObject();
                writeFields(json, event);
                json.writeEndObject();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + event.getClass().getSimpleName(), e);
        }
        out.write('}');
        return OutboundEvent.ofEnvelope(event, name, out.toString(), dataStart);
    }

    /** About the envelope's length: room for its fixed fields and, for lists of names and messages, their text. */
    private static int sizeHint(ServerEvent event) {
        int names;
        if (event instanceof ActiveUsers active) {
            names = active.users().size();
        } else if (event instanceof MembersPage page) {
            names = page.users().size();
        } else if (event instanceof PresenceChange change) {
            names = change.joined().size() + change.left().size();
        } else if (event instanceof ChatMessage message) {
            return 192 + message.text().length();
        } else {
            return 160;
        }
        return 160 + names * TYPICAL_NAME_CHARS;
    }

    private void writeFields(JsonGenerator json, ServerEvent event) throws IOException {
        if (event instanceof ChatMessage message) {
            json.writeStringField("room", message.room().value());
            json.writeNumberField("seq", message.seq());
            json.writeStringField("id", message.id());
            json.writeStringField("user", message.user().value());
            json.writeStringField("text", message.text());
            json.writeStringField("time", message.time().toString());
        } else if (event instanceof UserConnected connected) {
            writePresence(json, connected.room(), connected.user());
        } else if (event instanceof UserDisconnected disconnected) {
            writePresence(json, disconnected.room(), disconnected.user());
        } else if (event instanceof ActiveUsers active) {
            json.writeStringField("room", active.room().value());
            writeMemberList(json, active.users());
            json.writeStringField("epoch", active.position().epoch());
            json.writeNumberField("seq", active.position().seq());
            json.writeNumberField("count", active.count());
            json.writeBooleanField("complete", active.complete());
        } else if (event instanceof Welcome welcome) {
            json.writeStringField("user", welcome.user().value());
            json.writeStringField("session", welcome.session().value());
            json.writeArrayFieldStart("rooms");
            for (RoomName room : welcome.rooms()) {
                json.writeString(room.value());
            }
            json.writeEndArray();
            json.writeBooleanField("resumed", welcome.resumed());
        } else if (event instanceof NotRecovered notRecovered) {
            json.writeStringField("room", notRecovered.room().value());
            json.writeStringField("reason", notRecovered.reason().wireCode());
        } else if (event instanceof Ack ack) {
            if (ack.ref() != null) {
                json.writeStringField("ref", ack.ref());
            }
            if (ack.room() != null) {
                json.writeStringField("room", ack.room().value());
                json.writeNumberField("seq", ack.seq());
            }
        } else if (event instanceof PresenceChange change) {
            json.writeStringField("room", change.room().value());
            json.writeNumberField("count", change.count());
            writeNames(json, "joined", change.joined());
            writeNames(json, "left", change.left());
        } else if (event instanceof MembersPage page) {
            json.writeStringField("room", page.room().value());
            writeNames(json, "users", page.users());
            if (page.next() != null) {
                json.writeStringField("next", page.next().value());
            }
            if (page.ref() != null) {
                json.writeStringField("ref", page.ref());
            }
        } else if (event instanceof TokenExpiring expiring) {
            json.writeNumberField("expiresAt", expiring.expiresAt().toEpochMilli());
        } else if (event instanceof Heartbeat) {
            return; // no fields
        } else if (event instanceof ErrorEvent error) {
            json.writeStringField("code", error.code().wireCode());
            json.writeStringField("message", error.message());
            if (error.ref() != null) {
                json.writeStringField("ref", error.ref());
            }
            if (error.retryAfterMs() != null) {
                json.writeNumberField("retryAfterMs", error.retryAfterMs());
            }
        } else {
            throw new IllegalArgumentException(
                    "no encoding for " + event.getClass().getName());
        }
    }

    /**
     * A snapshot's {@code users}: as encoded before if an equal list was, else encoded (and kept if long). Comparing
     * a big room's 200 names costs a fraction of writing them, and lists a store reads anew (Redis) match too.
     */
    private void writeMemberList(JsonGenerator json, List<Nickname> users) throws IOException {
        if (users.size() < KEPT_LIST_NAMES) {
            writeNames(json, "users", users);
            return;
        }
        int slot = users.hashCode() & (KEPT_LISTS - 1);
        EncodedNames kept = keptLists.get(slot);
        if (kept == null || !kept.names().equals(users)) {
            kept = new EncodedNames(users, encodeNames(users));
            keptLists.set(slot, kept);
        }
        json.writeFieldName("users");
        json.writeRawValue(kept.json());
    }

    private String encodeNames(List<Nickname> names) throws IOException {
        StringWriter out = new StringWriter(16 + names.size() * TYPICAL_NAME_CHARS);
        try (JsonGenerator json = factory.createGenerator(out)) {
            json.writeStartArray();
            for (Nickname name : names) {
                json.writeString(name.value());
            }
            json.writeEndArray();
        }
        return out.toString();
    }

    private static void writeNames(JsonGenerator json, String field, List<Nickname> names) throws IOException {
        json.writeArrayFieldStart(field);
        for (Nickname name : names) {
            json.writeString(name.value());
        }
        json.writeEndArray();
    }

    private static void writePresence(JsonGenerator json, RoomName room, Nickname user) throws IOException {
        json.writeStringField("room", room.value());
        json.writeStringField("user", user.value());
    }
}
