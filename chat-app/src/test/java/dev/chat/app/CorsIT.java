package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.app.support.RunningChat;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** CORS answers for a page of another allowed origin, so the browser library works from there; none for others. */
class CorsIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String APP = "https://app.example";

    private final RunningChat chat;

    CorsIT() {
        ChatConfig defaults = ChatConfig.defaults(0);
        ChatConfig.Server server = defaults.server();
        chat = RunningChat.start(defaults.withServer(
                new ChatConfig.Server(server.host(), server.port(), List.of(APP), server.shutdownGrace())));
    }

    @AfterEach
    void stop() {
        chat.close();
    }

    @Test
    void givenPreflightOfASendFromAnAllowedOrigin_itIsAnsweredWithTheMethodsAndHeadersTheLibraryUses()
            throws Exception {
        HttpResponse<String> preflight = send(HttpRequest.newBuilder(chat.httpUri("/chat/send"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", APP)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type"));

        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
                .hasValue(APP);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods"))
                .hasValueSatisfying(methods ->
                        assertThat(methods).contains("POST").contains("GET").contains("DELETE"));
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers"))
                .hasValueSatisfying(headers -> assertThat(headers)
                        .containsIgnoringCase("authorization")
                        .containsIgnoringCase("content-type"));
        assertThat(preflight.headers().allValues("Vary")).contains("Origin");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Credentials"))
                .isEmpty();
        assertThat(chat.localSessions()).isZero();
    }

    @Test
    void givenPollFromAnAllowedOrigin_theAnswerNamesTheOriginAndExposesRetryAfter() throws Exception {
        HttpResponse<String> poll =
                send(HttpRequest.newBuilder(chat.httpUri("/chat/poll")).header("Origin", APP));

        assertThat(poll.statusCode()).isEqualTo(200);
        assertThat(poll.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
        assertThat(poll.headers().firstValue("Access-Control-Expose-Headers")).hasValue("Retry-After");
    }

    @Test
    void givenPreflightFromAnotherOrigin_itIsRefusedWithoutCorsHeaders() throws Exception {
        HttpResponse<String> preflight = send(HttpRequest.newBuilder(chat.httpUri("/chat/send"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST"));

        assertThat(preflight.statusCode()).isEqualTo(403);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
                .isEmpty();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
