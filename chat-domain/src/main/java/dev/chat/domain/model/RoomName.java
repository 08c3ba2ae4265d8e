package dev.chat.domain.model;

/** A room's name: 1-64 characters of {@code a-z 0-9 - _}. */
public record RoomName(String value) implements Comparable<RoomName> {
    public static final int MAX_LENGTH = 64;
    public static final RoomName GENERAL = new RoomName("general");

    public RoomName {
        if (!AsciiWords.isWord(value, 1, MAX_LENGTH, AsciiWords.LOWER_CASE_DIGITS_DASH_UNDERSCORE)) {
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
