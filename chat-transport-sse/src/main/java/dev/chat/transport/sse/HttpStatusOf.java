package dev.chat.transport.sse;

import dev.chat.domain.model.ErrorCode;

/** The HTTP status that carries each refusal. */
final class HttpStatusOf {
    private HttpStatusOf() {}

    static int code(ErrorCode code) {
        return switch (code) {
            case UNAUTHORIZED -> 401;
            case TOO_LARGE -> 413;
            case UNAVAILABLE -> 503;
            case INTERNAL -> 500;
            default -> 400;
        };
    }
}
