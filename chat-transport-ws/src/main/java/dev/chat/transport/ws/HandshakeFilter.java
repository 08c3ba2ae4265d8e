package dev.chat.transport.ws;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.Identity;
import dev.chat.domain.port.out.SignInVerifier;
import dev.chat.transport.core.AddressGate;
import dev.chat.transport.core.Admission;
import dev.chat.transport.core.OriginPolicy;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletCoreRequest;
import org.eclipse.jetty.ee10.servlet.ServletCoreResponse;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.server.Handshaker;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket endpoint's handshake. It answers a malformed upgrade plainly (400, or 426 naming the supported
 * version) instead of letting it fail deep inside the server with a stack trace, refuses other sites' pages (403),
 * checks sign-in and the caps on connections, and then upgrades the request itself with Jetty's WebSocket core, to a
 * {@link ChatSocket}. The request never reaches Javalin, nor Jetty's WebSocket API layer: both kept the whole upgrade
 * request (headers, attributes, Jetty's HTTP connection) alive for as long as the socket lived.
 */
final class HandshakeFilter extends HttpFilter {
    /**
     * An upgraded socket is open well within this; past it, its turn among those opening is given back anyway, before
     * connects waiting behind it would give up ({@link Admission#OPENING_WAIT}).
     */
    private static final Duration OPEN_DEADLINE = Duration.ofSeconds(3);

    private static final Logger log = LoggerFactory.getLogger(HandshakeFilter.class);
    private static final String SUPPORTED_VERSION = "13";
    private static final int UPGRADE_REQUIRED = 426;
    private static final int TOO_MANY_REQUESTS = 429;

    private final transient Admission admission;
    private final transient AddressGate addresses;
    private final transient SignInVerifier signIn;
    private final transient OriginPolicy origins;
    private final transient WebSocketSettings settings;
    private final transient ScheduledExecutorService openDeadline;
    private final transient Function<ChatSocket.Handshake, ChatSocket> sockets;
    private final transient Handshaker handshaker = Handshaker.newInstance();
    private transient WebSocketComponents components;
    private transient Configuration.Customizer limits;

    /** @param sockets makes the socket for an upgrade the handshake let through */
    HandshakeFilter(
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
    }

    @Override
    public void init() {
        ServletContextHandler context = ServletContextHandler.getServletContextHandler(getServletContext());
        components = WebSocketServerComponents.ensureWebSocketComponents(context.getServer(), context);
        Configuration.ConfigurationCustomizer configuration = new Configuration.ConfigurationCustomizer();
        configuration.setIdleTimeout(settings.idleTimeout());
        configuration.setMaxTextMessageSize(settings.maxFrameBytes()); // ChatSocket enforces it on whole messages
        configuration.setMaxBinaryMessageSize(settings.maxFrameBytes());
        limits = configuration;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException {
        if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            refuse(response, HttpServletResponse.SC_BAD_REQUEST, "this endpoint speaks WebSocket only");
            return;
        }
        if (!SUPPORTED_VERSION.equals(request.getHeader("Sec-WebSocket-Version"))) {
            response.setHeader("Sec-WebSocket-Version", SUPPORTED_VERSION);
            refuse(response, UPGRADE_REQUIRED, "unsupported WebSocket version; this server speaks 13");
            return;
        }
        if (!isValidKey(request.getHeader("Sec-WebSocket-Key"))) {
            refuse(response, HttpServletResponse.SC_BAD_REQUEST, "missing or malformed Sec-WebSocket-Key");
            return;
        }
        String origin = request.getHeader("Origin");
        if (!origins.allows(origin, request.getHeader("Host"))) {
            log.info("refused WebSocket upgrade from origin {}", origin);
            refuse(response, HttpServletResponse.SC_FORBIDDEN, "origin not allowed");
            return;
        }
        String resume = request.getParameter("session");
        Identity identity = Identity.ANONYMOUS;
        if (resume == null && signIn.required()) {
            try {
                identity = signIn.verify(request.getParameter("token"));
            } catch (ChatException unsigned) {
                refuse(response, HttpServletResponse.SC_UNAUTHORIZED, unsigned.getMessage());
                return;
            }
        }
        Optional<Runnable> place = addresses.enter(request.getRemoteAddr(), request.getHeader("X-Forwarded-For"));
        if (place.isEmpty()) {
            response.setHeader("Retry-After", addresses.retryAfterSeconds());
            refuse(response, TOO_MANY_REQUESTS, "too many connections from your address");
            return;
        }
        Admission.Entry entry = admission.admit();
        Optional<Admission.Refusal> notAdmitted = entry.refusal();
        if (notAdmitted.isPresent()) {
            place.get().run();
            response.setHeader("Retry-After", notAdmitted.get().retryAfterHeader());
            refuse(
                    response,
                    HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                    notAdmitted.get().reason());
            return;
        }
        ChatSocket socket = sockets.apply(
                new ChatSocket.Handshake(entry, place.get(), identity, resume, request.getParameter("cursor")));
        boolean upgraded = false;
        try {
            upgraded = upgrade(socket, request, response);
            if (!upgraded) {
                refuse(response, HttpServletResponse.SC_BAD_REQUEST, "not a WebSocket upgrade");
            }
        } finally {
            if (!upgraded || response.getStatus() != HttpServletResponse.SC_SWITCHING_PROTOCOLS) {
                place.get().run(); // no WebSocket came of it
                entry.opened();
            } else {
                // The socket opens on another thread, which gives the turn back; this one if that never happens.
                try {
                    openDeadline.schedule(entry::opened, OPEN_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException stopping) {
                    entry.opened(); // the transport is shut down: nothing opens any more
                }
            }
        }
    }

    /** Jetty's WebSocket core answers 101 and hands the connection to the socket; false if it is no upgrade. */
    private boolean upgrade(ChatSocket socket, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        Request upgrade = ServletCoreRequest.wrap(request);
        Response answer = ServletCoreResponse.wrap(upgrade, response, false);
        try (Blocker.Callback written = Blocker.callback()) {
            boolean upgraded = handshaker.upgradeRequest(
                    (negotiation, reply, callback) -> socket, upgrade, answer, written, components, limits);
            if (upgraded) {
                written.block(); // the 101 is on the wire before the servlet request completes
            }
            return upgraded;
        }
    }

    private static void refuse(HttpServletResponse response, int status, String reason) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.setStatus(status);
        response.setContentType("text/plain;charset=utf-8");
        response.getWriter().write(reason + "\n");
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
