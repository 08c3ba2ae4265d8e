package dev.chat.transport.ws;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.Identity;
import dev.chat.domain.port.out.SignInVerifier;
import dev.chat.transport.core.AddressGate;
import dev.chat.transport.core.Admission;
import dev.chat.transport.core.OriginPolicy;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.WebSocketExtensionRegistry;
import org.eclipse.jetty.websocket.core.exception.WebSocketException;
import org.eclipse.jetty.websocket.core.server.Handshaker;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket endpoint's handshake, in front of the servlet context on Jetty's core API: an upgrade never becomes a
 * servlet request (the servlet machinery cost as much CPU per connect as the upgrade itself). It answers a malformed
 * upgrade plainly (400, or 426 naming the supported version) instead of letting it fail deep inside the server with a
 * stack trace, refuses other sites' pages (403), checks sign-in and the caps on connections, and then upgrades with
 * Jetty's WebSocket core to a {@link ChatSocket}. Neither Javalin nor Jetty's WebSocket API layer is involved: both
 * kept the whole upgrade request (headers, attributes, Jetty's HTTP connection) alive for as long as the socket lived.
 * Every other path goes on to the servlet context.
 */
final class HandshakeHandler extends Handler.Wrapper {
    /**
     * An upgraded socket is open well within this; past it, its turn among those opening is given back anyway, before
     * connects waiting behind it would give up ({@link Admission#OPENING_WAIT}).
     */
    private static final Duration OPEN_DEADLINE = Duration.ofSeconds(3);

    private static final Logger log = LoggerFactory.getLogger(HandshakeHandler.class);
    private static final String SUPPORTED_VERSION = "13";

    private final Admission admission;
    private final AddressGate addresses;
    private final SignInVerifier signIn;
    private final OriginPolicy origins;
    private final WebSocketSettings settings;
    private final ScheduledExecutorService openDeadline;
    private final Function<ChatSocket.Handshake, ChatSocket> sockets;
    private final Handshaker handshaker = Handshaker.newInstance();
    private final Configuration.ConfigurationCustomizer limits = new Configuration.ConfigurationCustomizer();
    private WebSocketComponents components;

    /** @param sockets makes the socket for an upgrade the handshake let through */
    HandshakeHandler(
            Admission admission,
            AddressGate addresses,
            SignInVerifier signIn,
            OriginPolicy origins,
            WebSocketSettings settings,
            ScheduledExecutorService openDeadline,
            Function<ChatSocket.Handshake, ChatSocket> sockets) {
        this.admission = requireNonNull(admission, "admission");
        this.addresses = requireNonNull(addresses, "addresses");
        this.signIn = requireNonNull(signIn, "signIn");
        this.origins = requireNonNull(origins, "origins");
        this.settings = requireNonNull(settings, "settings");
        this.openDeadline = requireNonNull(openDeadline, "openDeadline");
        this.sockets = requireNonNull(sockets, "sockets");
        limits.setIdleTimeout(settings.idleTimeout());
        limits.setMaxTextMessageSize(settings.maxFrameBytes()); // ChatSocket enforces it on whole messages
        limits.setMaxBinaryMessageSize(settings.maxFrameBytes());
    }

    @Override
    protected void doStart() throws Exception {
        components = WebSocketServerComponents.ensureWebSocketComponents(getServer());
        // The service speaks plain frames only, so each goes from WebSocketConnection to the socket's flusher
        // directly. Browsers offer permessage-deflate, and Jetty would compress every frame once per recipient: that
        // undoes encode-once fan-out, and each connection's zlib state costs far more memory than the connection
        // itself (chat frames are small; Socket.IO does not compress by default either). Jetty's other extensions
        // (fragment, identity) exist to test Jetty.
        WebSocketExtensionRegistry extensions = components.getExtensionRegistry();
        List.copyOf(extensions.getAvailableExtensionNames()).forEach(extensions::unregister);
        super.doStart();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!settings.path().equals(Request.getPathInContext(request))) {
            return super.handle(request, response, callback);
        }
        HttpFields headers = request.getHeaders();
        if (!"websocket".equalsIgnoreCase(headers.get(HttpHeader.UPGRADE))) {
            return refuse(response, callback, HttpStatus.BAD_REQUEST_400, "this endpoint speaks WebSocket only");
        }
        if (!SUPPORTED_VERSION.equals(headers.get(HttpHeader.SEC_WEBSOCKET_VERSION))) {
            response.getHeaders().put(HttpHeader.SEC_WEBSOCKET_VERSION, SUPPORTED_VERSION);
            return refuse(
                    response,
                    callback,
                    HttpStatus.UPGRADE_REQUIRED_426,
                    "unsupported WebSocket version; this server speaks 13");
        }
        if (!isValidKey(headers.get(HttpHeader.SEC_WEBSOCKET_KEY))) {
            return refuse(response, callback, HttpStatus.BAD_REQUEST_400, "missing or malformed Sec-WebSocket-Key");
        }
        String origin = headers.get(HttpHeader.ORIGIN);
        if (!origins.allows(origin, headers.get(HttpHeader.HOST))) {
            log.info("refused WebSocket upgrade from origin {}", origin);
            return refuse(response, callback, HttpStatus.FORBIDDEN_403, "origin not allowed");
        }
        Fields query = Request.extractQueryParameters(request);
        String resume = query.getValue("session");
        Identity identity = Identity.ANONYMOUS;
        if (resume == null && signIn.required()) {
            try {
                identity = signIn.verify(query.getValue("token"));
            } catch (ChatException unsigned) {
                return refuse(response, callback, HttpStatus.UNAUTHORIZED_401, unsigned.getMessage());
            }
        }
        Optional<Runnable> place = addresses.enter(Request.getRemoteAddr(request), headers.get("X-Forwarded-For"));
        if (place.isEmpty()) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, addresses.retryAfterSeconds());
            return refuse(
                    response, callback, HttpStatus.TOO_MANY_REQUESTS_429, "too many connections from your address");
        }
        Admission.Entry entry = admission.admit();
        Optional<Admission.Refusal> notAdmitted = entry.refusal();
        if (notAdmitted.isPresent()) {
            place.get().run();
            response.getHeaders().put(HttpHeader.RETRY_AFTER, notAdmitted.get().retryAfterHeader());
            return refuse(
                    response,
                    callback,
                    HttpStatus.SERVICE_UNAVAILABLE_503,
                    notAdmitted.get().reason());
        }
        ChatSocket socket =
                sockets.apply(new ChatSocket.Handshake(entry, place.get(), identity, resume, query.getValue("cursor")));
        Runnable giveBack = () -> { // both idempotent
            place.get().run();
            entry.opened();
        };
        Callback answered = new Callback.Nested(callback) {
            @Override
            public void failed(Throwable failure) {
                giveBack.run(); // the 101 did not get out (the client reset): no socket opens to give them back
                super.failed(failure);
            }
        };
        boolean upgraded = false;
        try {
            upgraded = handshaker.upgradeRequest(
                    (negotiation, reply, negotiated) -> socket, request, response, answered, components, limits);
        } catch (WebSocketException refused) {
            log.debug("WebSocket upgrade refused: {}", refused.toString());
        } finally {
            if (!upgraded) {
                giveBack.run(); // no WebSocket came of it
            } else {
                // The socket opens on another thread, which gives the turn back; this one if that never happens.
                try {
                    openDeadline.schedule(entry::opened, OPEN_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException stopping) {
                    entry.opened(); // the transport is shut down: nothing opens any more
                }
            }
        }
        return upgraded || refuse(response, callback, HttpStatus.BAD_REQUEST_400, "not a WebSocket upgrade");
    }

    /** Answers with a status and a one-line reason; always true: the request was handled. */
    private static boolean refuse(Response response, Callback callback, int status, String reason) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
        Content.Sink.write(response, true, reason + "\n", callback);
        return true;
    }

    /** RFC 6455 4.1: 16 random bytes, base64-encoded. */
    private static boolean isValidKey(String key) {
        if (key == null || key.length() != 24) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
