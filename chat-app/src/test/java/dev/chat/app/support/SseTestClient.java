package dev.chat.app.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** A real Server-Sent Events client for integration tests, reading the stream as an EventSource would. */
public final class SseTestClient implements ChatClient, AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final EventLog log = new EventLog();
    private final AtomicInteger comments = new AtomicInteger();
    private final HttpResponse<Stream<String>> response;
    private volatile String lastEventId;
    private volatile String retry;

    private SseTestClient(HttpResponse<Stream<String>> response) {
        this.response = response;
        if (response.statusCode() == 200) {
            Thread reader = new Thread(this::read, "sse-test-client");
            reader.setDaemon(true);
            reader.start();
        }
    }

    /** Opens the stream; check {@link #status()} for refusals. */
    public static SseTestClient connect(URI uri, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
        headers.forEach(request::header);
        return new SseTestClient(HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines())
                .orTimeout(10, TimeUnit.SECONDS)
                .join());
    }

    @Override
    public EventLog log() {
        return log;
    }

    public int status() {
        return response.statusCode();
    }

    public String contentType() {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    /** The refusal's JSON body, when the stream was not opened. */
    public String errorBody() {
        return String.join("\n", response.body().toList());
    }

    /** What an EventSource would send back as Last-Event-ID. */
    public String lastEventId() {
        return lastEventId;
    }

    public int comments() {
        return comments.get();
    }

    public String retry() {
        return retry;
    }

    @Override
    public void close() {
        response.body().close();
    }

    private void read() {
        EventStreamReader.read(response.body(), new EventStreamReader.Listener() {
            @Override
            public void onEvent(String event, String data, String id) {
                if (id != null) {
                    lastEventId = id;
                }
                if (data != null) {
                    log.record(event, data);
                }
            }

            @Override
            public void onComment() {
                comments.incrementAndGet();
            }

            @Override
            public void onRetry(String value) {
                retry = value;
            }
        });
    }
}
