package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The rooms a session may join: every room, or those a sign-in token lists, by name or by prefix ({@code team-*}).
 * Immutable.
 *
 * @param patterns room names and prefixes ending in {@code *}; null for every room
 */
public record RoomAccess(List<String> patterns) {
    public static final RoomAccess EVERY_ROOM = new RoomAccess(null);

    public RoomAccess {
        if (patterns != null) {
            patterns = List.copyOf(patterns);
            for (String pattern : patterns) {
                requireNonNull(pattern, "pattern");
            }
        }
    }

    /** Only these rooms and prefixes. */
    public static RoomAccess only(List<String> patterns) {
        return new RoomAccess(requireNonNull(patterns, "patterns"));
    }

    public boolean allows(RoomName room) {
        if (patterns == null) {
            return true;
        }
        for (String pattern : patterns) {
            boolean matches = pattern.endsWith("*")
                    ? room.value().startsWith(pattern.substring(0, pattern.length() - 1))
                    : room.value().equals(pattern);
            if (matches) {
                return true;
            }
        }
        return false;
    }

    public boolean everyRoom() {
        return patterns == null;
    }
}
