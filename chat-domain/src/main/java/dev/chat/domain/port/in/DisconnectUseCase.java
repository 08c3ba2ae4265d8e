package dev.chat.domain.port.in;

import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.ClientConnection;

/**
 * A client's connection ended. A dropped connection leaves the session for the reconnect grace period: if the client
 * has not resumed by then, its rooms are told {@code userDisconnected} and its nickname is freed. A client that says
 * goodbye ends its session at once.
 */
public interface DisconnectUseCase {
    /** The connection dropped. No effect unless {@code connection} is the session's current one. */
    void disconnect(SessionToken session, ClientConnection connection);

    /**
     * The client closed the connection on purpose: the session ends now. No effect unless {@code connection} is the
     * session's current one.
     */
    void quit(SessionToken session, ClientConnection connection);

    /**
     * Ends a session this node serves, whatever its connection, which is closed for {@code why}; its rooms are told
     * it left at once.
     *
     * @throws dev.chat.domain.model.SessionElsewhereException when another node serves the session
     * @throws dev.chat.domain.model.ChatException {@code unauthorized} when no node does
     */
    void end(SessionToken session, CloseReason why);
}
