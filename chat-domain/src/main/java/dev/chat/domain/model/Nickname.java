package dev.chat.domain.model;

import java.util.regex.Pattern;

/** A connected person's display name, e.g. {@code QuiteBraveDragon}; unique among connected users. */
public record Nickname(String value) implements Comparable<Nickname> {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9]{1,64}");

    public Nickname {
        if (value == null || !VALID.matcher(value).matches()) {
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
