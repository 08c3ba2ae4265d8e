package dev.chat.domain.port.in;

import dev.chat.domain.model.Cursor;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.ClientConnection;

/** A client comes back with its session token, on any transport and any node. */
public interface ResumeUseCase {
    /**
     * Attaches the session to {@code connection} (closing the connection it had, if any, as replaced) and sends
     * {@code welcome} (resumed), then for each of its rooms the messages missed since {@code cursor} and a fresh
     * {@code activeUsers}; or, where the gap cannot be filled, {@code notRecovered} and {@code activeUsers}. Live
     * events follow. Nobody is told the user left and came back.
     *
     * @param cursor what the client has read; {@link Cursor#EMPTY} when it does not know
     * @throws dev.chat.domain.model.ChatException {@code unauthorized} when the session is unknown or expired
     */
    void resume(SessionToken session, Cursor cursor, ClientConnection connection);
}
