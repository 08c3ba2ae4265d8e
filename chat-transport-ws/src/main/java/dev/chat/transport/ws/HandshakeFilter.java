package dev.chat.transport.ws;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.port.out.SignInVerifier;
import dev.chat.transport.core.AddressGate;
import dev.chat.transport.core.Admission;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * In front of the WebSocket endpoint. It answers a malformed upgrade plainly (400, or 426 naming the supported
 * version) instead of letting it fail deep inside the server with a stack trace, and it keeps the upgrade from
 * creating an HTTP session: Javalin reads the session's attributes on every upgrade, which would otherwise create a
 * never-expiring session (and a JSESSIONID cookie) per connection. The chat keeps no state in HTTP sessions.
 */
final class HandshakeFilter extends HttpFilter {
    /** The request attribute that hands the connection's place under the address cap to the WebSocket. */
    static final String ADDRESS_PLACE = "chat.addressPlace";

    /** The request attribute that hands the signed-in identity of a new session to the WebSocket. */
    static final String IDENTITY = "chat.identity";

    /** The request attribute that hands the connection's {@link Admission.Entry} to the WebSocket, once open. */
    static final String ADMITTED = "chat.admitted";

    /**
     * An upgraded socket is open well within this; past it, its turn among those opening is given back anyway, before
     * connects waiting behind it would give up ({@link Admission#OPENING_WAIT}).
     */
    private static final Duration OPEN_DEADLINE = Duration.ofSeconds(3);

    private final transient Admission admission;
    private final transient AddressGate addresses;
    private final transient SignInVerifier signIn;
    private final transient ScheduledExecutorService openDeadline;

    HandshakeFilter(
            Admission admission, AddressGate addresses, SignInVerifier signIn, ScheduledExecutorService openDeadline) {
        this.openDeadline = requireNonNull(openDeadline, "openDeadline");
        this.admission = requireNonNull(admission, "admission");
        this.addresses = requireNonNull(addresses, "addresses");
        this.signIn = requireNonNull(signIn, "signIn");
    }

    private static final String SUPPORTED_VERSION = "13";
    private static final int UPGRADE_REQUIRED = 426;
    private static final int TOO_MANY_REQUESTS = 429;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
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
        if (request.getParameter("session") == null && signIn.required()) {
            try {
                request.setAttribute(IDENTITY, signIn.verify(request.getParameter("token")));
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
        request.setAttribute(ADDRESS_PLACE, place.get());
        request.setAttribute(ADMITTED, entry);
        try {
            chain.doFilter(new Sessionless(request), response);
        } finally {
            if (response.getStatus() != HttpServletResponse.SC_SWITCHING_PROTOCOLS) {
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

    private static void refuse(HttpServletResponse response, int status, String reason) throws IOException {
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

    /** A request whose session is never created: asked to create one, it hands out an empty, unstored stand-in. */
    private static final class Sessionless extends HttpServletRequestWrapper {
        Sessionless(HttpServletRequest request) {
            super(request);
        }

        @Override
        public HttpSession getSession() {
            return getSession(true);
        }

        @Override
        public HttpSession getSession(boolean create) {
            return create ? new NoSession(getServletContext()) : null;
        }
    }

    /** Has no attributes and keeps none. */
    private record NoSession(ServletContext context) implements HttpSession {
        @Override
        public long getCreationTime() {
            return 0;
        }

        @Override
        public String getId() {
            return "";
        }

        @Override
        public long getLastAccessedTime() {
            return 0;
        }

        @Override
        public ServletContext getServletContext() {
            return context;
        }

        @Override
        public void setMaxInactiveInterval(int interval) {}

        @Override
        public int getMaxInactiveInterval() {
            return 0;
        }

        @Override
        public Object getAttribute(String name) {
            return null;
        }

        @Override
        public Enumeration<String> getAttributeNames() {
            return Collections.emptyEnumeration();
        }

        @Override
        public void setAttribute(String name, Object value) {
            throw new UnsupportedOperationException("the chat keeps no HTTP session state");
        }

        @Override
        public void removeAttribute(String name) {}

        @Override
        public void invalidate() {}

        @Override
        public boolean isNew() {
            return true;
        }
    }
}
