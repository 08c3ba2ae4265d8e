package dev.chat.transport.ws;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.Identity;
import dev.chat.transport.core.Admission;
import dev.chat.transport.core.ClientLink;
import java.nio.ByteBuffer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One client's socket as Jetty calls it: each callback goes to the transport with this socket, which carries what the
 * handshake decided and, once open, the client's link to the domain. Made by the handshake for exactly one upgrade,
 * so nothing of the upgrade request outlives it (Javalin's WebSocket contexts kept the whole request per connection).
 * Public only because Jetty reaches its callbacks through method handles; nothing else can make one.
 */
public final class ChatSocket implements Session.Listener.AutoDemanding {
    /**
     * What the handshake decided for this socket.
     *
     * @param admitted its turn among the connections being opened, given back once it is open or gone
     * @param addressPlace its place under the per-address cap, given back when it ends
     * @param identity who signed in, or {@link Identity#ANONYMOUS}
     * @param resume the {@code session} query parameter, or null
     * @param cursor the {@code cursor} query parameter, or null
     */
    record Handshake(Admission.Entry admitted, Runnable addressPlace, Identity identity, String resume, String cursor) {
        Handshake {
            requireNonNull(admitted, "admitted");
            requireNonNull(addressPlace, "addressPlace");
            requireNonNull(identity, "identity");
        }
    }

    private final WebSocketTransport transport;
    private final Handshake handshake;
    /** Set once open, before any message can arrive (Jetty calls a socket's callbacks one at a time). */
    private volatile ClientLink link;

    ChatSocket(WebSocketTransport transport, Handshake handshake) {
        this.transport = requireNonNull(transport, "transport");
        this.handshake = requireNonNull(handshake, "handshake");
    }

    Handshake handshake() {
        return handshake;
    }

    /** The client's link once open; null before and when its open failed before making one. */
    ClientLink link() {
        return link;
    }

    void link(ClientLink opened) {
        link = opened;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        transport.opened(this, session);
    }

    @Override
    public void onWebSocketText(String message) {
        transport.received(this, message);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        callback.succeed();
        transport.receivedBinary(this);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        transport.failed(this, cause);
    }

    @Override
    public void onWebSocketClose(int status, String reason) {
        transport.closed(this, status, reason);
    }
}
