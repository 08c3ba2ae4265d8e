package dev.chat.transport.core;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which browser origins may open a connection (defence against cross-site WebSocket hijacking).
 *
 * <p>Always allowed: requests without an {@code Origin} (non-browser clients) and pages served by this host. Then
 * either the configured origins ({@code *} allows any), or, when none are configured, any localhost origin.
 */
public final class OriginPolicy {
    private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

    private final Set<String> allowed;
    private final boolean allowAny;

    private OriginPolicy(Set<String> allowed) {
        this.allowed = allowed;
        this.allowAny = allowed.contains("*");
    }

    /** @param allowedOrigins origins like {@code https://chat.example.com}; empty for the localhost default */
    public static OriginPolicy of(List<String> allowedOrigins) {
        return new OriginPolicy(
                allowedOrigins.stream().map(OriginPolicy::normalised).collect(Collectors.toUnmodifiableSet()));
    }

    /**
     * @param origin the request's {@code Origin} header, or null
     * @param hostHeader the request's {@code Host} header, or null
     */
    public boolean allows(String origin, String hostHeader) {
        if (origin == null || origin.isBlank()) {
            return true;
        }
        URI uri;
        try {
            uri = new URI(origin.trim());
        } catch (URISyntaxException e) {
            return false;
        }
        if (uri.getHost() == null || uri.getScheme() == null) {
            return false; // includes the opaque "null" origin of sandboxed pages and files
        }
        if (hostHeader != null && authority(uri).equalsIgnoreCase(hostWithPort(hostHeader, uri.getScheme()))) {
            return true;
        }
        if (allowed.isEmpty()) {
            return LOCAL_HOSTS.contains(uri.getHost().toLowerCase(Locale.ROOT));
        }
        return allowAny || allowed.contains(normalised(origin));
    }

    private static String authority(URI uri) {
        int port = uri.getPort() != -1 ? uri.getPort() : defaultPort(uri.getScheme());
        return uri.getHost() + ":" + port;
    }

    private static String hostWithPort(String hostHeader, String scheme) {
        String host = hostHeader.trim();
        int closingBracket = host.lastIndexOf(']');
        int colon = host.lastIndexOf(':');
        boolean hasPort = colon > closingBracket;
        return hasPort ? host : host + ":" + defaultPort(scheme);
    }

    private static int defaultPort(String scheme) {
        return "https".equalsIgnoreCase(scheme) || "wss".equalsIgnoreCase(scheme) ? 443 : 80;
    }

    private static String normalised(String origin) {
        String trimmed = origin.trim().toLowerCase(Locale.ROOT);
        return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }
}
