package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

/** A refused request. Carries the code the client receives; the message is for humans. */
public class ChatException extends RuntimeException {
    private final ErrorCode code;

    public ChatException(ErrorCode code, String message) {
        super(message);
        this.code = requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }
}
