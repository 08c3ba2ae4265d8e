package dev.chat.app.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;

/** {@link MovingClient}s over each transport, all through one entry point (a balancer). */
public final class MovingClients {
    private static final Duration REFUSED_RETRY = Duration.ofSeconds(1);

    private MovingClients() {}

    public static MovingClient webSocket(String name, URI chat) {
        return new OverWebSocket(name, chat);
    }

    public static MovingClient sse(String name, URI sse) {
        return new OverSse(name, sse);
    }

    public static MovingClient polling(String name, URI poll) {
        return new OverPolling(name, poll);
    }

    private static String encoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static Duration retryAfter(HttpResponse<?> response) {
        return response.headers()
                .firstValue("Retry-After")
                .map(seconds -> Duration.ofSeconds(Long.parseLong(seconds)))
                .orElse(REFUSED_RETRY);
    }

    private static final class OverWebSocket extends MovingClient implements WebSocket.Listener {
        private final URI chat;
        private final StringBuilder partial = new StringBuilder();
        private volatile WebSocket socket;

        OverWebSocket(String name, URI chat) {
            super(name);
            this.chat = chat;
        }

        @Override
        public void start() {
            open(chat);
        }

        @Override
        protected void reconnect() {
            if (session() == null) {
                open(chat); // never admitted: try again as new
                return;
            }
            String cursor = cursor();
            open(URI.create(chat + "?session=" + session() + (cursor == null ? "" : "&cursor=" + encoded(cursor))));
        }

        private void open(URI uri) {
            HTTP.newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(uri, this)
                    .whenComplete((opened, failure) -> {
                        if (failure != null) {
                            comeBackLater(REFUSED_RETRY, "upgrade failed: " + failure); // refused (503), unreachable
                        } else {
                            socket = opened;
                        }
                    });
        }

        @Override
        public void stop() {
            stopped = true;
            WebSocket current = socket;
            if (current != null) {
                current.abort();
            }
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            partial.setLength(0); // a connection that broke mid-frame leaves nothing for the next one
            webSocket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                recordEnvelope(partial.toString());
                partial.setLength(0);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (stopped) {
                return null;
            }
            if (statusCode == 4401) {
                sessionGone("closed with 4401 " + reason);
                return null;
            }
            if (statusCode == 1013) { // the node is overloaded (its store's queue is full): back off, then resume
                retryLater(REFUSED_RETRY, "closed with 1013 " + reason);
                return null;
            }
            if (statusCode != 1012) {
                problem("closed with " + statusCode + " " + reason);
            }
            moved();
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            if (!stopped) {
                problem("connection failed: " + withCauses(error));
                moved();
            }
        }
    }

    /** The JDK's WebSocket reports a protocol error as a bare ProtocolException; what broke is in its cause. */
    private static String withCauses(Throwable error) {
        StringBuilder described = new StringBuilder(error.toString());
        for (Throwable cause = error.getCause(); cause != null; cause = cause.getCause()) {
            described.append(" <- ").append(cause);
        }
        return described.toString();
    }

    private static final class OverSse extends MovingClient {
        private final URI sse;
        private volatile String lastEventId;
        private volatile Stream<String> lines;

        OverSse(String name, URI sse) {
            super(name);
            this.sse = sse;
        }

        @Override
        public void start() {
            open();
        }

        @Override
        protected void reconnect() {
            open();
        }

        private void open() {
            HttpRequest.Builder request = HttpRequest.newBuilder(sse).header("Accept", "text/event-stream");
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines()).whenComplete((response, failure) -> {
                if (failure != null) {
                    comeBackLater(REFUSED_RETRY, "stream failed: " + failure);
                } else if (response.statusCode() == 503 || response.statusCode() == 502) {
                    // 502: the balancer lost the node it had picked (a stopping one); retried as the library does
                    response.body().close();
                    comeBackLater(retryAfter(response), "stream refused with " + response.statusCode());
                } else if (response.statusCode() == 401) {
                    lastEventId = null;
                    sessionGone("stream refused with 401: "
                            + String.join("", response.body().toList()));
                } else if (response.statusCode() != 200) {
                    problem("stream refused with " + response.statusCode() + ": "
                            + String.join("", response.body().toList()));
                } else {
                    Thread reader = new Thread(() -> read(response.body()), "moving-sse-" + name());
                    reader.setDaemon(true);
                    reader.start();
                }
            });
        }

        private void read(Stream<String> body) {
            lines = body;
            EventStreamReader.read(body, (event, data, id) -> {
                if (data != null) {
                    recordSse(event, data);
                }
                if (id != null) {
                    lastEventId = id; // only once its event is recorded, as an EventSource does
                }
            });
            if (!stopped) {
                moved(); // the stream ended or broke: come back
            }
        }

        private void recordSse(String event, String dataJson) {
            try {
                JsonNode data = EventLog.JSON.readTree(dataJson);
                if ("close".equals(event)
                        && !"restart".equals(data.path("reason").textValue())) {
                    problem("stream closed: " + dataJson);
                }
                record(event, data);
            } catch (JsonProcessingException e) {
                problem("invalid JSON from the server: " + dataJson);
            }
        }

        @Override
        public void stop() {
            stopped = true;
            Stream<String> current = lines;
            if (current != null) {
                current.close();
            }
        }
    }

    private static final class OverPolling extends MovingClient {
        private static final int POLL_TIMEOUT_SECONDS = 25; // the library's default

        private final URI poll;
        private volatile String pollCursor;

        OverPolling(String name, URI poll) {
            super(name);
            this.poll = poll;
        }

        @Override
        public void start() {
            pollAgain();
        }

        @Override
        protected void reconnect() {
            pollAgain();
        }

        private void pollAgain() {
            if (stopped) {
                return;
            }
            String query = session() == null
                    ? ""
                    : "?session=" + session() + "&timeout=" + POLL_TIMEOUT_SECONDS
                            + (pollCursor == null ? "" : "&cursor=" + encoded(pollCursor));
            HTTP.sendAsync(
                            HttpRequest.newBuilder(URI.create(poll + query))
                                    .timeout(Duration.ofSeconds(POLL_TIMEOUT_SECONDS + 35))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, failure) -> {
                        if (failure != null) {
                            problem("poll failed: " + failure);
                            comeBackLater(REFUSED_RETRY, "poll failed: " + failure);
                        } else if (response.statusCode() == 503 || response.statusCode() == 502) {
                            comeBackLater(
                                    retryAfter(response),
                                    "poll answered " + response.statusCode() + ": " + response.body());
                        } else if (response.statusCode() == 401) {
                            pollCursor = null;
                            sessionGone("poll answered 401: " + response.body());
                        } else if (response.statusCode() != 200) {
                            problem("poll answered " + response.statusCode() + ": " + response.body());
                        } else {
                            answered(response.body());
                        }
                    });
        }

        private void answered(String body) {
            try {
                JsonNode answer = EventLog.JSON.readTree(body);
                answer.path("events")
                        .forEach(envelope -> record(envelope.path("event").textValue(), envelope.path("data")));
                pollCursor = answer.path("cursor").textValue();
                if (answer.has("closed")) {
                    if (!"restart".equals(answer.path("closed").textValue())) {
                        problem("poll closed: " + body);
                    }
                    moved();
                } else {
                    pollAgain();
                }
            } catch (JsonProcessingException e) {
                problem("invalid JSON from the server: " + body);
            }
        }

        @Override
        public void stop() {
            stopped = true;
        }
    }
}
