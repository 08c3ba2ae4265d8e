package dev.chat.app;

import java.util.Map;

/**
 * What the web page and its files are served with. The page loads only its own script and style files and talks only
 * to its own origin (WebSocket, event stream, polls, sends), so the policy allows exactly that: no inline code, no
 * other origin, no framing. Browsers treat {@code 'self'} in {@code connect-src} as covering same-origin WebSockets.
 */
final class PageHeaders {
    static final String CONTENT_SECURITY_POLICY = String.join(
            "; ",
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "connect-src 'self'",
            "img-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'");

    static final Map<String, String> ALL = Map.of(
            "Content-Security-Policy", CONTENT_SECURITY_POLICY,
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "Cache-Control", "max-age=0"); // Javalin's default for static files, kept

    private PageHeaders() {}
}
