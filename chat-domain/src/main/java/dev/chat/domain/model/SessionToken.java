package dev.chat.domain.model;

import java.security.SecureRandom;
import java.util.Base64;

/** Opaque, unguessable session token (128 random bits, URL-safe). It authenticates a session: never log it. */
public record SessionToken(String value) {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MIN_LENGTH = 16;
    private static final int MAX_LENGTH = 128;

    public SessionToken {
        if (!AsciiWords.isWord(value, MIN_LENGTH, MAX_LENGTH, AsciiWords.LETTERS_DIGITS_DASH_UNDERSCORE)) {
            throw new ChatException(ErrorCode.UNAUTHORIZED, "malformed session token");
        }
    }

    public static SessionToken generate() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return new SessionToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    @Override
    public String toString() {
        return "SessionToken[redacted]";
    }
}
