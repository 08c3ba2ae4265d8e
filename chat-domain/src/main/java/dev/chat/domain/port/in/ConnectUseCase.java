package dev.chat.domain.port.in;

import dev.chat.domain.model.Identity;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.ClientConnection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A client arrives: it gets a nickname, a session and the {@code general} room (if it may join it). */
public interface ConnectUseCase {
    /**
     * Creates a session for the connection, sends it {@code welcome} then {@code activeUsers}, and tells the room's
     * other members {@code userConnected}.
     *
     * @param identity anonymous (a generated nickname), or a signed-in user's
     */
    SessionToken connect(ClientConnection connection, Identity identity);

    /**
     * {@link #connect} without a thread waiting on the stores: the stage completes, with the session or with what
     * {@link #connect} would throw, on whichever thread finished the work (the caller's, when the stores answered at
     * once; otherwise the thread that read a store's reply, which the caller's next step must not hold up).
     */
    default CompletionStage<SessionToken> connectAsync(ClientConnection connection, Identity identity) {
        try {
            return CompletableFuture.completedFuture(connect(connection, identity));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** An anonymous client. */
    default SessionToken connect(ClientConnection connection) {
        return connect(connection, Identity.ANONYMOUS);
    }
}
