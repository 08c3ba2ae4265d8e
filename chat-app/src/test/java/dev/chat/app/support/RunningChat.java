package dev.chat.app.support;

import dev.chat.app.ChatApplication;
import dev.chat.app.ChatConfig;
import dev.chat.app.ChatServer;
import dev.chat.store.redis.TestRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/** A chat server on a free port, and the clients a test opened against it; closing it stops both. */
public final class RunningChat implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final ChatServer server;
    private final List<WsTestClient> clients = new ArrayList<>();
    private final List<SseTestClient> streams = new ArrayList<>();

    private RunningChat(ChatServer server) {
        this.server = server;
    }

    /**
     * Test servers take connections and commands as fast as tests send them, as benchmarks do: the default admission
     * limits, rate limits and address cap are lifted unless the test set others.
     */
    public static RunningChat start(ChatConfig config) {
        ChatConfig unlimited = config.operations().equals(ChatConfig.Operations.DEFAULTS)
                ? config.withOperations(ChatConfig.Operations.UNLIMITED)
                : config;
        if (unlimited.abuse().equals(ChatConfig.Abuse.DEFAULTS)) {
            unlimited = unlimited.withAbuse(ChatConfig.Abuse.NONE);
        }
        return new RunningChat(ChatApplication.create(unlimited).start());
    }

    public static RunningChat startDefault() {
        return start(ChatConfig.defaults(0));
    }

    public static ChatConfig withGrace(ChatConfig config, Duration grace) {
        ChatConfig.Messaging messaging = config.messaging();
        return config.withMessaging(new ChatConfig.Messaging(
                messaging.maxTextLength(), messaging.maxRoomsPerSession(), messaging.historySize(), grace));
    }

    /**
     * The config of a node that shares the test Redis with the others of one test (a namespace of their own), with a
     * 2 s presence lease so dead nodes' users go quickly.
     */
    public static ChatConfig onTestRedis(ChatConfig config) {
        return config.withStore(new ChatConfig.Store(
                TestRedis.uri().toString(), "it-" + UUID.randomUUID(), Duration.ofSeconds(2), Duration.ofSeconds(5)));
    }

    /** A client resuming {@code session} from {@code cursor}; not awaited, it may be refused. */
    public WsTestClient resumingClient(String session, String cursor) {
        String query = "?session=" + session + (cursor == null ? "" : "&cursor=" + cursor);
        return track(WsTestClient.connect(URI.create(chatUri() + query), Map.of(), true));
    }

    public URI chatUri() {
        return URI.create("ws://127.0.0.1:" + server.port() + "/chat");
    }

    public URI httpUri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    /** A connected client that is already in {@code general}. */
    public WsTestClient client() {
        return track(WsTestClient.connect(chatUri())).awaitJoined();
    }

    public WsTestClient client(Map<String, String> headers, boolean reading) {
        return track(WsTestClient.connect(chatUri(), headers, reading));
    }

    /** Opens {@code count} connections at once. */
    public List<WsTestClient> clients(int count) {
        List<CompletableFuture<WsTestClient>> pending = IntStream.range(0, count)
                .mapToObj(i -> WsTestClient.connectAsync(chatUri(), Map.of(), true))
                .toList();
        return pending.stream()
                .map(future -> track(future.orTimeout(WsTestClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                        .join()))
                .toList();
    }

    /** A new SSE session, already in general. */
    public SseTestClient sseClient() {
        SseTestClient client = sseClient(Map.of(), "");
        client.log().first("activeUsers");
        return client;
    }

    /** An SSE stream with these headers and query (e.g. {@code ?session=S}); not awaited, it may be refused. */
    public SseTestClient sseClient(Map<String, String> headers, String query) {
        return trackStream(SseTestClient.connect(httpUri("/chat/sse" + query), headers));
    }

    /** A new long-polling session: its first answer (welcome and member list) already taken. */
    public PollTestClient pollClient() {
        return pollClientAcross(List.of(this));
    }

    /** A new long-polling session created on the first node, whose polls then go to each node in turn. */
    public static PollTestClient pollClientAcross(List<RunningChat> nodes) {
        PollTestClient client = new PollTestClient(
                nodes.stream().map(node -> node.httpUri("/chat/poll")).toList());
        client.pollNow();
        return client;
    }

    /** Sessions this node serves, connected or within their grace (from {@code /health}). */
    public int localSessions() {
        try {
            String health = PollTestClient.get(httpUri("/health")).body();
            return EventLog.JSON.readTree(health).path("sessions").intValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code DELETE /chat/session} for {@code session} (no {@code Authorization} when null). */
    public HttpResponse<String> endSession(String session) {
        return endSession(session, Map.of());
    }

    public HttpResponse<String> endSession(String session, Map<String, String> headers) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(httpUri("/chat/session")).DELETE();
        if (session != null) {
            request.header("Authorization", "Bearer " + session);
        }
        headers.forEach(request::header);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Open connections of every transport, as {@code /metrics} counts them. */
    public int openConnections() {
        return (int) metricSum("chat_connections{");
    }

    /** The sum of the {@code /metrics} samples whose line starts with {@code prefix} (every tag set of a meter). */
    public double metricSum(String prefix) {
        try {
            String metrics = PollTestClient.get(httpUri("/metrics")).body();
            return metrics.lines()
                    .filter(line -> line.startsWith(prefix))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                    .sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpSender sender() {
        return new HttpSender(httpUri("/chat/send"));
    }

    public ChatServer server() {
        return server;
    }

    @Override
    public void close() {
        List.copyOf(clients).forEach(WsTestClient::close);
        List.copyOf(streams).forEach(SseTestClient::close);
        server.stop();
    }

    private synchronized SseTestClient trackStream(SseTestClient client) {
        streams.add(client);
        return client;
    }

    private synchronized WsTestClient track(WsTestClient client) {
        clients.add(client);
        return client;
    }
}
