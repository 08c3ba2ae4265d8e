package dev.chat.transport.http;

import static java.util.Objects.requireNonNull;

import dev.chat.transport.core.OriginPolicy;
import io.javalin.config.JavalinConfig;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket handshake's origin rule for the HTTP transports: a request a browser sends from a page of a
 * disallowed origin gets 403 before anything runs, so no other site's page can open streams, make sessions or send
 * in its visitors' names. A servlet filter, because the event stream is a servlet of its own, outside Javalin's
 * routes.
 *
 * <p>An allowed page of another origin gets CORS answers, so the browser library works from it: the preflight of a
 * send (its {@code Authorization} and JSON body need one) is answered here with the methods and headers the library
 * uses, and every answer names the origin and exposes {@code Retry-After}. No credentials are allowed: the session
 * token travels in the request, never in a cookie.
 */
public final class OriginFilter extends HttpFilter {
    private static final Logger log = LoggerFactory.getLogger(OriginFilter.class);

    private final transient OriginPolicy origins;

    private OriginFilter(OriginPolicy origins) {
        this.origins = requireNonNull(origins, "origins");
    }

    /** Puts the filter in front of these paths; call while the Javalin app is being created. */
    public static void install(JavalinConfig config, OriginPolicy origins, List<String> paths) {
        FilterHolder filter = new FilterHolder(new OriginFilter(origins));
        config.jetty.modifyServletContextHandler(
                context -> paths.forEach(path -> context.addFilter(filter, path, EnumSet.of(DispatcherType.REQUEST))));
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String origin = request.getHeader("Origin");
        response.addHeader("Vary", "Origin"); // the answer differs by origin: caches must not share it
        if (origins.allows(origin, request.getHeader("Host"))) {
            if (origin == null || origin.isBlank()) {
                chain.doFilter(request, response);
                return;
            }
            // CORS for an allowed page of another origin; no credentials: the session travels in the request
            response.setHeader("Access-Control-Allow-Origin", origin.trim());
            response.setHeader("Access-Control-Expose-Headers", "Retry-After");
            if ("OPTIONS".equals(request.getMethod()) && request.getHeader("Access-Control-Request-Method") != null) {
                response.setHeader("Access-Control-Allow-Methods", "GET, POST, DELETE");
                response.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, Last-Event-ID");
                response.setHeader("Access-Control-Max-Age", "600");
                response.setStatus(HttpServletResponse.SC_NO_CONTENT);
                return;
            }
            chain.doFilter(request, response);
            return;
        }
        log.info("refused {} {} from origin {}", request.getMethod(), request.getRequestURI(), origin);
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("application/json");
        response.getWriter()
                .write("{\"code\":\"forbidden_origin\",\"message\":\"pages of this origin may not use the chat\"}");
    }
}
