package dev.chat.domain.port.in;

import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.ClientConnection;

/**
 * A client's connection ended. The session outlives it for the reconnect grace period; if the client has not
 * resumed by then, its rooms are told {@code userDisconnected} and its nickname is freed.
 */
public interface DisconnectUseCase {
    /** No effect unless {@code connection} is the session's current one (a replaced connection ends quietly). */
    void disconnect(SessionToken session, ClientConnection connection);
}
