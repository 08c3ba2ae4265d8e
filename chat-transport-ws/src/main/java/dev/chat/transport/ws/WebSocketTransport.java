package dev.chat.transport.ws;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.Ack;
import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ClientCommand;
import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.Cursor;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.ErrorEvent;
import dev.chat.domain.model.Heartbeat;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.in.ChatUseCases;
import dev.chat.domain.port.out.EventEncoder;
import dev.chat.protocol.CommandDecoder;
import dev.chat.protocol.OpenConnections;
import dev.chat.protocol.OriginPolicy;
import dev.chat.protocol.RejectedCommandException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.websocket.WsBinaryMessageContext;
import io.javalin.websocket.WsCloseContext;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsErrorContext;
import io.javalin.websocket.WsMessageContext;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The chat over WebSocket: one JSON envelope per text frame, in both directions (docs/protocol.md). */
public final class WebSocketTransport {
    private static final Logger log = LoggerFactory.getLogger(WebSocketTransport.class);

    private final ChatUseCases useCases;
    private final CommandDecoder decoder;
    private final EventEncoder encoder;
    private final OriginPolicy origins;
    private final WebSocketSettings settings;
    private final OpenConnections<String, WebSocketConnection> connections = new OpenConnections<>();
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
            WebSocketSettings settings) {
        this.useCases = requireNonNull(useCases, "useCases");
        this.decoder = requireNonNull(decoder, "decoder");
        this.encoder = requireNonNull(encoder, "encoder");
        this.origins = requireNonNull(origins, "origins");
        this.settings = requireNonNull(settings, "settings");
    }

    /** Registers the endpoint; call while the Javalin app is being created. */
    public void install(JavalinConfig config) {
        config.jetty.modifyWebSocketServletFactory(factory -> {
            factory.setMaxTextMessageSize(settings.maxFrameBytes());
            factory.setMaxBinaryMessageSize(settings.maxFrameBytes());
            factory.setIdleTimeout(settings.idleTimeout());
        });
        AtomicReference<ServletContextHandler> context = new AtomicReference<>();
        config.jetty.modifyServletContextHandler(context::set);
        config.events.serverStarting(() -> disableCompression(context.get()));
        config.events.serverStarted(() -> {
            long every = settings.pingInterval().toMillis();
            scheduler.scheduleAtFixedRate(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
        });
        config.routes.wsBeforeUpgrade(settings.path(), this::checkOrigin);
        config.routes.ws(settings.path(), ws -> {
            ws.onConnect(this::onConnect);
            ws.onMessage(this::onMessage);
            ws.onBinaryMessage(this::onBinaryMessage);
            ws.onClose(this::onClose);
            ws.onError(this::onError);
        });
    }

    /** Closes every connection with 1001 and waits (bounded) for the peers to see it. */
    public void shutdown(Duration wait) {
        connections.snapshot().forEach(connection -> connection.close(CloseReason.SHUTDOWN));
        connections.awaitEmpty(wait);
        scheduler.shutdownNow();
    }

    /**
     * Browsers offer permessage-deflate, and Jetty would compress every frame once per recipient: that undoes
     * encode-once fan-out, and each connection's zlib state costs far more memory than the connection itself. Chat
     * frames are small, so the service speaks uncompressed frames only (as Socket.IO does by default).
     */
    private static void disableCompression(ServletContextHandler context) {
        WebSocketServerComponents.ensureWebSocketComponents(context.getServer(), context)
                .getExtensionRegistry()
                .unregister("permessage-deflate");
    }

    /** One encoded heartbeat for everyone: lets browser clients, which never see pings, spot a dead connection. */
    private void heartbeat() {
        OutboundEvent beat = encoder.encode(Heartbeat.INSTANCE);
        connections.snapshot().forEach(connection -> connection.send(beat));
    }

    private void checkOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (!origins.allows(origin, ctx.header("Host"))) {
            log.info("refused WebSocket upgrade from origin {}", origin);
            throw new ForbiddenResponse("origin not allowed");
        }
    }

    private void onConnect(WsConnectContext ctx) {
        String id = ctx.sessionId();
        WebSocketConnection connection =
                new WebSocketConnection(ctx.session, settings.maxQueuedBytes(), scheduler, () -> release(id));
        connections.add(id, connection);
        ctx.enableAutomaticPings(settings.pingInterval().toMillis(), TimeUnit.MILLISECONDS);
        String session = ctx.queryParam("session");
        try {
            if (session == null) {
                connection.attach(useCases.connect().connect(connection));
            } else {
                SessionToken token = new SessionToken(session);
                connection.attach(token);
                Cursor cursor = Cursor.parse(ctx.queryParam("cursor")).orElse(Cursor.EMPTY);
                useCases.resume().resume(token, cursor, connection);
            }
        } catch (ChatException e) {
            connection.attach(null);
            connection.send(encoder.encode(new ErrorEvent(e.code(), e.getMessage(), null)));
            boolean unknownSession = e.code() == ErrorCode.UNAUTHORIZED;
            ctx.closeSession(unknownSession ? CloseCodes.UNKNOWN_SESSION : CloseCodes.TRY_AGAIN_LATER, e.getMessage());
        } catch (RuntimeException e) {
            log.error("connect from {} failed", ctx.session.getRemoteSocketAddress(), e);
            ctx.closeSession(CloseCodes.INTERNAL_ERROR, "internal error");
        }
    }

    private void onMessage(WsMessageContext ctx) {
        WebSocketConnection connection = connections.get(ctx.sessionId());
        SessionToken token = connection == null ? null : connection.token();
        if (token == null) {
            return; // closing, or its connect was refused
        }
        String ref = null;
        try {
            ClientCommand command = decoder.decode(ctx.message());
            ref = command.ref();
            Ack ack = useCases.commands().handle(token, command);
            if (ack.ref() != null) {
                connection.send(encoder.encode(ack));
            }
        } catch (RejectedCommandException e) {
            connection.send(encoder.encode(new ErrorEvent(e.code(), e.getMessage(), e.ref())));
        } catch (ChatException e) {
            connection.send(encoder.encode(new ErrorEvent(e.code(), e.getMessage(), ref)));
        } catch (RuntimeException e) {
            log.error("command from {} failed", ctx.session.getRemoteSocketAddress(), e);
            connection.send(encoder.encode(new ErrorEvent(ErrorCode.INTERNAL, "internal error", ref)));
        }
    }

    private void onBinaryMessage(WsBinaryMessageContext ctx) {
        WebSocketConnection connection = connections.get(ctx.sessionId());
        if (connection != null) {
            connection.send(encoder.encode(new ErrorEvent(
                    ErrorCode.INVALID_ENVELOPE, "binary frames are not supported; send JSON text frames", null)));
        }
    }

    private void onClose(WsCloseContext ctx) {
        log.debug("connection {} closed: {} {}", ctx.sessionId(), ctx.status(), ctx.reason());
        release(ctx.sessionId());
    }

    private void onError(WsErrorContext ctx) {
        log.debug("connection {} failed: {}", ctx.sessionId(), String.valueOf(ctx.error()));
    }

    /** Lets the domain go of a connection; runs once whichever of server close or peer close comes first. */
    private void release(String connectionId) {
        WebSocketConnection connection = connections.remove(connectionId);
        if (connection != null && connection.token() != null) {
            try {
                useCases.disconnect().disconnect(connection.token(), connection);
            } catch (RuntimeException e) {
                log.error("disconnect of {} failed", connectionId, e);
            }
        }
    }
}
