package dev.chat.domain.model;

/** A connected person's display name, e.g. {@code QuiteBraveDragon}; unique among connected users. */
public record Nickname(String value) implements Comparable<Nickname> {
    private static final int MAX_LENGTH = 64;

    public Nickname {
        if (!AsciiWords.isWord(value, 1, MAX_LENGTH, AsciiWords.LETTERS_AND_DIGITS)) {
            throw new IllegalArgumentException("nickname must be 1-64 letters or digits: " + value);
        }
    }

    @Override
    public int compareTo(Nickname other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
