package dev.chat.domain.port.in;

import dev.chat.domain.model.Identity;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.ClientConnection;

/** A client arrives: it gets a nickname, a session and the {@code general} room (if it may join it). */
public interface ConnectUseCase {
    /**
     * Creates a session for the connection, sends it {@code welcome} then {@code activeUsers}, and tells the room's
     * other members {@code userConnected}.
     *
     * @param identity anonymous (a generated nickname), or a signed-in user's
     */
    SessionToken connect(ClientConnection connection, Identity identity);

    /** An anonymous client. */
    default SessionToken connect(ClientConnection connection) {
        return connect(connection, Identity.ANONYMOUS);
    }
}
