package dev.chat.domain.model;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/** Opaque, unguessable session token (128 random bits, URL-safe). It authenticates a session: never log it. */
public record SessionToken(String value) {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{16,128}");

    public SessionToken {
        if (value == null || !VALID.matcher(value).matches()) {
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
