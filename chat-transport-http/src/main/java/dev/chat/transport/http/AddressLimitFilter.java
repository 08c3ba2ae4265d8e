package dev.chat.transport.http;

import static java.util.Objects.requireNonNull;

import dev.chat.transport.core.AddressGate;
import io.javalin.config.JavalinConfig;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-address cap for the HTTP transports: an event stream or a held poll counts as an open connection of its
 * client's address for as long as the request stays open. A new one (every stream; a poll that starts a session)
 * beyond the cap gets 429 with {@code Retry-After} before any session is made; a poll that continues a session is
 * counted but never refused.
 */
public final class AddressLimitFilter extends HttpFilter {
    private static final Logger log = LoggerFactory.getLogger(AddressLimitFilter.class);

    private final transient AddressGate gate;
    private final String continuedWithParameter;

    private AddressLimitFilter(AddressGate gate, String continuedWithParameter) {
        this.gate = requireNonNull(gate, "gate");
        this.continuedWithParameter = continuedWithParameter;
    }

    /**
     * Puts the filter in front of these paths; call while the Javalin app is being created.
     *
     * @param continuedWithParameter a request carrying this query parameter continues a connection (e.g. a poll's
     *     {@code session}); null if every request is a new one
     */
    public static void install(
            JavalinConfig config, AddressGate gate, List<String> paths, String continuedWithParameter) {
        FilterHolder filter = new FilterHolder(new AddressLimitFilter(gate, continuedWithParameter));
        config.jetty.modifyServletContextHandler(
                context -> paths.forEach(path -> context.addFilter(filter, path, EnumSet.of(DispatcherType.REQUEST))));
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if ("OPTIONS".equals(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        String peer = request.getRemoteAddr();
        String forwardedFor = request.getHeader("X-Forwarded-For");
        Runnable leave;
        if (continuedWithParameter != null && request.getParameter(continuedWithParameter) != null) {
            leave = gate.continued(peer, forwardedFor);
        } else {
            Optional<Runnable> admitted = gate.enter(peer, forwardedFor);
            if (admitted.isEmpty()) {
                log.debug("refused {} {}: too many connections from {}", request.getMethod(), peer, forwardedFor);
                response.setStatus(429);
                response.setHeader("Retry-After", gate.retryAfterSeconds());
                response.setContentType("application/json");
                response.getWriter()
                        .write("{\"code\":\"unavailable\",\"message\":\"too many connections from your address\"}");
                return;
            }
            leave = admitted.get();
        }
        try {
            chain.doFilter(request, response);
        } finally {
            if (request.isAsyncStarted()) {
                request.getAsyncContext().addListener(new Leaving(leave));
            } else {
                leave.run();
            }
        }
    }

    /** Uncounts an async request (a stream, a held poll) whichever way it ends. */
    private record Leaving(Runnable leave) implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            leave.run();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            leave.run();
        }

        @Override
        public void onError(AsyncEvent event) {
            leave.run();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this); // dispatched again: stay counted until the new cycle ends
        }
    }
}
