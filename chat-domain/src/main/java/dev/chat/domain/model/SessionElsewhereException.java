package dev.chat.domain.model;

/**
 * A command for a session that another node serves: only that node can change the session's rooms, so the transport
 * should relay the command there. Reaching a client, it reads as {@code unavailable}: try again.
 */
public final class SessionElsewhereException extends ChatException {
    public SessionElsewhereException() {
        super(ErrorCode.UNAVAILABLE, "the session is served by another node; try again");
    }
}
