package dev.chat.protocol;

import dev.chat.domain.model.ErrorCode;

/** The HTTP status that carries each refusal, the same on every HTTP endpoint. */
public final class HttpStatusOf {
    private HttpStatusOf() {}

    public static int code(ErrorCode code) {
        return switch (code) {
            case UNAUTHORIZED -> 401;
            case TOO_LARGE -> 413;
            case UNAVAILABLE -> 503;
            case INTERNAL -> 500;
            default -> 400;
        };
    }
}
