package dev.chat.domain.port.in;

import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.ClientConnection;

/** A client arrives: it gets a nickname, a session and the {@code general} room. */
public interface ConnectUseCase {
    /**
     * Creates a session for the connection, sends it {@code welcome} then {@code activeUsers}, and tells the room's
     * other members {@code userConnected}.
     */
    SessionToken connect(ClientConnection connection);
}
