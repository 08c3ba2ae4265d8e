package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.app.support.RunningChat;
import dev.chat.app.support.SseTestClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP transports follow the WebSocket handshake's origin rule: a page of another site gets 403 and nothing is
 * made; requests without an Origin (non-browser clients), from the service's own pages or from an allowed origin pass.
 */
class HttpOriginIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String EVIL = "https://evil.example";

    private final RunningChat chat = RunningChat.startDefault(); // no origins configured: localhost pages only

    @AfterEach
    void stop() {
        chat.close();
    }

    @Test
    void givenPageOfAnotherSite_streamPollAndSendAreRefused403_andNoSessionIsMade() throws Exception {
        SseTestClient stream = chat.sseClient(Map.of("Origin", EVIL), "");
        HttpResponse<String> poll =
                send(HttpRequest.newBuilder(chat.httpUri("/chat/poll")).header("Origin", EVIL));
        HttpResponse<String> post = send(HttpRequest.newBuilder(chat.httpUri("/chat/send"))
                .header("Origin", EVIL)
                .header("Authorization", "Bearer AAAAAAAAAAAAAAAAAAAAAA")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"event\":\"message\",\"data\":{\"text\":\"hi\",\"ref\":\"r1\"}}")));

        assertThat(stream.status()).isEqualTo(403);
        assertThat(stream.errorBody()).contains("\"code\":\"forbidden_origin\"");
        assertThat(poll.statusCode()).isEqualTo(403);
        assertThat(post.statusCode()).isEqualTo(403);
        assertThat(chat.localSessions()).isZero();
    }

    @Test
    void givenNoOriginOrTheServicesOwnOrALocalhostPage_theTransportsWork() throws Exception {
        String ownOrigin = "http://127.0.0.1:" + chat.server().port();

        HttpResponse<String> withoutOrigin = send(HttpRequest.newBuilder(chat.httpUri("/chat/poll")));
        HttpResponse<String> fromOwnPage =
                send(HttpRequest.newBuilder(chat.httpUri("/chat/poll")).header("Origin", ownOrigin));
        SseTestClient fromLocalhostPage = chat.sseClient(Map.of("Origin", "http://localhost:3000"), "");

        assertThat(withoutOrigin.statusCode()).isEqualTo(200);
        assertThat(fromOwnPage.statusCode()).isEqualTo(200);
        assertThat(fromLocalhostPage.status()).isEqualTo(200);
        fromLocalhostPage.log().first("welcome");
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
