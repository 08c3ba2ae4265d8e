package dev.chat.transport.ws;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.Ack;
import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.Cursor;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.ErrorEvent;
import dev.chat.domain.model.Heartbeat;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.model.ServerEvent;
import dev.chat.domain.model.SessionElsewhereException;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.in.ChatUseCases;
import dev.chat.domain.port.out.EventEncoder;
import dev.chat.domain.port.out.SignInVerifier;
import dev.chat.protocol.CommandDecoder;
import dev.chat.transport.core.AddressGate;
import dev.chat.transport.core.Admission;
import dev.chat.transport.core.ClientLink;
import dev.chat.transport.core.Commands;
import dev.chat.transport.core.Heartbeats;
import dev.chat.transport.core.OpenConnections;
import dev.chat.transport.core.OriginPolicy;
import dev.chat.transport.core.Refusals;
import dev.chat.transport.core.TransportMetrics;
import io.javalin.config.JavalinConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The chat over WebSocket: one JSON envelope per text frame, in both directions (docs/protocol.md). */
public final class WebSocketTransport {
    private static final Logger log = LoggerFactory.getLogger(WebSocketTransport.class);

    private final ChatUseCases useCases;
    private final Commands commands;
    private final EventEncoder encoder;
    /** The same for every connection and every beat: encoded once. */
    private final OutboundEvent heartbeat;

    private final OriginPolicy origins;
    private final WebSocketSettings settings;
    private final TransportMetrics metrics;
    private final Admission admission;
    private final AddressGate addresses;
    private final SignInVerifier signIn;
    private final OpenConnections<ChatSocket, ClientLink> connections = new OpenConnections<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "ws-housekeeping");
        thread.setDaemon(true);
        return thread;
    });

    public WebSocketTransport(
            ChatUseCases useCases,
            CommandDecoder decoder,
            EventEncoder encoder,
            OriginPolicy origins,
            WebSocketSettings settings,
            TransportMetrics metrics,
            Admission admission,
            AddressGate addresses,
            SignInVerifier signIn) {
        this.useCases = requireNonNull(useCases, "useCases");
        this.commands = new Commands(useCases.commands(), decoder);
        this.encoder = requireNonNull(encoder, "encoder");
        this.heartbeat = encoder.encode(Heartbeat.INSTANCE);
        this.origins = requireNonNull(origins, "origins");
        this.settings = requireNonNull(settings, "settings");
        this.metrics = requireNonNull(metrics, "metrics");
        this.admission = requireNonNull(admission, "admission");
        this.addresses = requireNonNull(addresses, "addresses");
        this.signIn = requireNonNull(signIn, "signIn");
    }

    /**
     * Registers the endpoint; call while the Javalin app is being created. The handshake sits in front of Javalin's
     * servlet context, so an upgrade never becomes a servlet request.
     */
    public void install(JavalinConfig config) {
        metrics.gauges(connections::size, this::queuedBytes);
        config.jetty.modifyServer(server -> server.insertHandler(new HandshakeHandler(
                admission,
                addresses,
                signIn,
                origins,
                settings,
                scheduler,
                handshake -> new ChatSocket(this, handshake, settings.maxFrameBytes()))));
        config.events.serverStarted(() -> Heartbeats.schedule(scheduler, settings.pingInterval(), this::heartbeat));
    }

    /** Closes every connection with 1001 and waits (bounded) for the peers to see it. */
    public void shutdown(Duration wait) {
        connections.snapshot().forEach(link -> link.connection().close(CloseReason.SHUTDOWN));
        connections.awaitEmpty(wait);
        scheduler.shutdownNow();
    }

    /**
     * For the connections of {@code slice} (each gets one beat per ping interval): a heartbeat, which lets browser
     * clients (they never see pings) spot a dead connection, and a ping, whose pong proves to the idle timeout that the
     * client still reads.
     */
    private void heartbeat(int slice) {
        for (ClientLink link : connections.snapshot()) {
            WebSocketConnection connection = (WebSocketConnection) link.connection();
            if (Heartbeats.beatsAt(connection, slice)) {
                connection.send(heartbeat);
                connection.ping();
            }
        }
    }

    /**
     * Opens the socket's session. The stage completes once the client has its welcome (or its refusal, and the socket
     * is closing), on the thread that finished the connect: a new session's store calls keep no thread waiting, and
     * the opening gives its turn up meanwhile.
     */
    CompletionStage<Void> opened(ChatSocket socket, CoreSession session) {
        ChatSocket.Handshake handshake = socket.handshake();
        WebSocketConnection connection;
        CompletionStage<Optional<ErrorEvent>> opening;
        try {
            connection = new WebSocketConnection(
                    session, settings.maxQueuedBytes(), scheduler, metrics, () -> release(socket));
            connection.onEnd(handshake.addressPlace());
            ClientLink link = new ClientLink(useCases, connection);
            socket.link(link);
            connections.add(socket, link);
            try {
                Optional<SessionToken> resume =
                        Optional.ofNullable(handshake.resume()).map(SessionToken::new);
                Cursor cursor = Cursor.parse(handshake.cursor()).orElse(Cursor.EMPTY);
                opening = link.openAsync(resume, cursor, handshake.identity(), handshake.admitted());
            } catch (ChatException malformed) {
                opening = CompletableFuture.completedFuture(Optional.of(Refusals.of(malformed, null)));
            }
        } catch (RuntimeException e) {
            handshake.admitted().opened();
            throw e;
        }
        if (!opening.toCompletableFuture().isDone()) {
            handshake.admitted().giveUp(); // it waits on the stores: the next connect may use the core
        }
        return opening.whenComplete((refusal, failure) -> handshake.admitted().opened()) // open, refused or gone
                .thenAccept(refusal -> refusal.ifPresent(error -> {
                    connection.send(encoder.encode(error));
                    session.close(CloseCodes.ofRefusal(error.code()), error.message(), Callback.NOOP);
                }));
    }

    void received(ChatSocket socket, String message) {
        ClientLink link = socket.link();
        Optional<SessionToken> token = link == null ? Optional.empty() : link.token();
        if (token.isEmpty()) {
            return; // closing, or its connect was refused
        }
        ServerEvent reply;
        try {
            reply = commands.carryOut(token.get(), message);
        } catch (SessionElsewhereException takenOver) {
            reply = Refusals.of(takenOver, null); // its connection is being closed as replaced
        }
        if (reply instanceof Ack ack && ack.ref() == null) {
            return;
        }
        link.connection().send(encoder.encode(reply));
    }

    void receivedBinary(ChatSocket socket) {
        ClientLink link = socket.link();
        if (link != null) {
            link.connection()
                    .send(encoder.encode(new ErrorEvent(
                            ErrorCode.INVALID_ENVELOPE,
                            "binary frames are not supported; send JSON text frames",
                            null)));
        }
    }

    /**
     * A client that closes with 1000 or 1001 (a tab closing) has left: its session ends at once. Anything else (no
     * close frame, an error, a timeout, a close the server started) leaves the session its reconnect grace.
     */
    void closed(ChatSocket socket, int code, String reason) {
        log.debug("connection {} closed: {} {}", socket, code, reason);
        neverOpened(socket);
        ClientLink link = connections.remove(socket);
        if (link == null) {
            return; // the server closed it and let go already
        }
        WebSocketConnection connection = (WebSocketConnection) link.connection();
        boolean goodbye = (code == CloseCodes.NORMAL || code == CloseCodes.GOING_AWAY)
                && !connection.closedByServer()
                && !connection.hasFailed();
        connection.ended();
        if (goodbye) {
            link.quit();
        } else {
            link.release();
        }
    }

    void failed(ChatSocket socket, Throwable cause) {
        log.debug("connection {} failed: {}", socket, String.valueOf(cause));
        neverOpened(socket);
        ClientLink link = socket.link();
        if (link != null) {
            ((WebSocketConnection) link.connection()).failed();
        }
    }

    /** A socket that dropped before it opened gives back what its handshake took (both are idempotent). */
    private static void neverOpened(ChatSocket socket) {
        ChatSocket.Handshake handshake = socket.handshake(); // null once linked: then the connection's end does it
        if (handshake != null) {
            handshake.admitted().opened();
            handshake.addressPlace().run();
        }
    }

    private long queuedBytes() {
        long sum = 0;
        for (ClientLink link : connections.snapshot()) {
            sum += ((WebSocketConnection) link.connection()).queuedBytes();
        }
        return sum;
    }

    /** Lets the domain go of a connection; runs once whichever of server close or peer close comes first. */
    private void release(ChatSocket socket) {
        ClientLink link = connections.remove(socket);
        if (link != null) {
            ((WebSocketConnection) link.connection()).ended();
            link.release();
        }
    }
}
