package dev.chat.protocol;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ErrorCode;

/** A client frame that could not be turned into a command; {@code ref} is the client's, if it could be read. */
public final class RejectedCommandException extends ChatException {
    private final String ref;

    public RejectedCommandException(ErrorCode code, String message, String ref) {
        super(code, message);
        this.ref = ref;
    }

    /** The client's reference, or null. */
    public String ref() {
        return ref;
    }
}
