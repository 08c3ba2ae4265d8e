package dev.chat.domain.model;

import java.util.regex.Pattern;

/** A room's name: 1-64 characters of {@code a-z 0-9 - _}. */
public record RoomName(String value) implements Comparable<RoomName> {
    public static final int MAX_LENGTH = 64;
    private static final Pattern VALID = Pattern.compile("[a-z0-9_-]{1," + MAX_LENGTH + "}");
    // Declared after VALID, which its constructor needs.
    public static final RoomName GENERAL = new RoomName("general");

    public RoomName {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new ChatException(
                    ErrorCode.INVALID_ROOM, "room name must be 1-" + MAX_LENGTH + " characters of a-z 0-9 - _");
        }
    }

    public static RoomName of(String value) {
        return new RoomName(value);
    }

    @Override
    public int compareTo(RoomName other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
