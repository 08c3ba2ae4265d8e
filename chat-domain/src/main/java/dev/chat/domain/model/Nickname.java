package dev.chat.domain.model;

/** A connected person's display name, e.g. {@code QuiteBraveDragon}; unique among connected users. */
public record Nickname(String value) implements Comparable<Nickname> {
    private static final int MAX_LENGTH = 64;

    public Nickname {
        if (!isValid(value)) {
            throw new IllegalArgumentException("nickname must be 1-64 letters or digits: " + value);
        }
    }

    /**
     * 1-64 ASCII letters or digits. A loop, not a pattern: every joiner's snapshot with Redis decodes up to 200 names,
     * and the pattern's matcher was a visible share of a connect there.
     */
    private static boolean isValid(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean asciiLetterOrDigit = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!asciiLetterOrDigit) {
                return false;
            }
        }
        return true;
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
