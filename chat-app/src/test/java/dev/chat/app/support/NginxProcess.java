package dev.chat.app.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/**
 * Debian's {@code nginx} running the repository's own {@code deploy/nginx.conf}, with only what a test must change:
 * its upstream servers point at the test's nodes, it listens on a free port, and it keeps its pid, logs and temp files
 * in a directory of its own. Everything else (balancing, retries, timeouts) is what a deployment runs.
 */
public final class NginxProcess implements AutoCloseable {
    private static final Path DEPLOYED_CONFIG = Path.of("..", "deploy", "nginx.conf");
    private static final Pattern UPSTREAM_SERVERS = Pattern.compile("(?m)^(\\s*)server chat\\d+:8080(.*);\\s*$\\R?");
    private static final Pattern LISTEN = Pattern.compile("listen 8080;");

    private final Process process;
    private final int port;
    private final Path dir;

    private NginxProcess(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** Starts nginx in front of the nodes on these ports; fails with how to install it when there is none. */
    public static NginxProcess inFrontOf(List<Integer> nodePorts) {
        try {
            Path dir = Files.createTempDirectory("chat-nginx");
            int port = freePort();
            Files.writeString(
                    dir.resolve("nginx.conf"), configFor(Files.readString(DEPLOYED_CONFIG), nodePorts, port, dir));
            Process process;
            try {
                process = new ProcessBuilder(
                                "nginx",
                                "-p",
                                dir.toString(),
                                "-c",
                                dir.resolve("nginx.conf").toString(),
                                "-g",
                                "daemon off; pid " + dir.resolve("nginx.pid") + "; error_log "
                                        + dir.resolve("error.log") + " info;")
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("nginx.out").toFile())
                        .start();
            } catch (IOException notInstalled) {
                throw new IllegalStateException(
                        "this test needs nginx on the PATH (Debian: apt-get install -y nginx)", notInstalled);
            }
            NginxProcess nginx = new NginxProcess(process, port, dir);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .ignoreExceptions()
                    .until(nginx::accepts);
            return nginx;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The deployed config with the test's ports, logs and temp paths; an access log records each request's upstream. */
    static String configFor(String deployed, List<Integer> nodePorts, int listenPort, Path dir) {
        Matcher servers = UPSTREAM_SERVERS.matcher(deployed);
        if (!servers.find()) {
            throw new IllegalStateException("deploy/nginx.conf has no 'server chatN:8080' upstream lines");
        }
        String indent = servers.group(1);
        String options = servers.group(2);
        String ours = nodePorts.stream()
                .map(nodePort -> indent + "server 127.0.0.1:" + nodePort + options + ";\n")
                .collect(Collectors.joining());
        String config = UPSTREAM_SERVERS.matcher(deployed).replaceFirst(Matcher.quoteReplacement(ours));
        config = UPSTREAM_SERVERS.matcher(config).replaceAll("");
        if (!LISTEN.matcher(config).find()) {
            throw new IllegalStateException("deploy/nginx.conf does not 'listen 8080;'");
        }
        config = LISTEN.matcher(config).replaceFirst("listen 127.0.0.1:" + listenPort + ";");
        String paths = "\n  log_format upstream '$msec $request_method $request_uri $status $request_time"
                + " upstream=$upstream_addr:$upstream_status:$upstream_response_time';\n"
                + "  access_log " + dir.resolve("access.log") + " upstream;\n"
                + "  client_body_temp_path " + dir.resolve("body") + ";\n"
                + "  proxy_temp_path " + dir.resolve("proxy") + ";\n";
        return config.replaceFirst("http \\{", Matcher.quoteReplacement("http {" + paths));
    }

    public URI uri(String scheme, String path) {
        return URI.create(scheme + "://127.0.0.1:" + port + path);
    }

    /** Where its access log (one line per request, with the upstreams it tried) and error log are. */
    public Path dir() {
        return dir;
    }

    @Override
    public void close() {
        process.destroy();
    }

    private boolean accepts() throws IOException {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
