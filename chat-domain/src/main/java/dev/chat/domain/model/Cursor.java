package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * How far a client has read: per room, the epoch and the last message seq it has. Its text form
 * ({@code general:EPOCH:42,dev:EPOCH:7}) is what clients hand back to resume; it is opaque to them.
 */
public record Cursor(Map<RoomName, RoomPosition> positions) {
    public static final Cursor EMPTY = new Cursor(Map.of());
    /** Generous: 100 rooms with long names still fit. */
    public static final int MAX_TEXT_LENGTH = 16_384;

    private static final Pattern ENTRY = Pattern.compile("([a-z0-9_-]{1,64}):([A-Za-z0-9_-]{1,64}):(\\d{1,18})");

    public Cursor {
        positions = Map.copyOf(positions);
    }

    /** The cursor a client sent, or empty when it is missing or not one of ours (the client then gets snapshots). */
    public static Optional<Cursor> parse(String text) {
        if (text == null || text.isBlank() || text.length() > MAX_TEXT_LENGTH) {
            return Optional.empty();
        }
        Map<RoomName, RoomPosition> positions = new LinkedHashMap<>();
        for (String entry : text.trim().split(",", -1)) {
            var matcher = ENTRY.matcher(entry);
            if (!matcher.matches()) {
                return Optional.empty();
            }
            positions.put(
                    RoomName.of(matcher.group(1)),
                    new RoomPosition(matcher.group(2), Long.parseLong(matcher.group(3))));
        }
        return Optional.of(new Cursor(positions));
    }

    public Optional<RoomPosition> position(RoomName room) {
        return Optional.ofNullable(positions.get(requireNonNull(room, "room")));
    }

    public Cursor with(RoomName room, RoomPosition position) {
        Map<RoomName, RoomPosition> updated = new TreeMap<>(positions);
        updated.put(room, position);
        return new Cursor(updated);
    }

    /**
     * Where a client stands after receiving {@code event}: a snapshot sets the room's position, a message advances
     * it; nothing else moves the cursor.
     */
    public Cursor advancedBy(ServerEvent event) {
        if (event instanceof ActiveUsers snapshot) {
            return with(snapshot.room(), snapshot.position());
        }
        if (event instanceof ChatMessage message) {
            RoomPosition current = positions.get(message.room());
            if (current != null && message.seq() > current.seq()) {
                return with(message.room(), new RoomPosition(current.epoch(), message.seq()));
            }
        }
        return this;
    }

    public Cursor without(RoomName room) {
        Map<RoomName, RoomPosition> updated = new TreeMap<>(positions);
        updated.remove(room);
        return new Cursor(updated);
    }

    /** The text form, rooms in name order. */
    public String text() {
        StringJoiner joiner = new StringJoiner(",");
        new TreeMap<>(positions)
                .forEach((room, position) -> joiner.add(room.value() + ":" + position.epoch() + ":" + position.seq()));
        return joiner.toString();
    }
}
