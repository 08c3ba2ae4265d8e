package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.app.support.EventLog;
import dev.chat.app.support.RunningChat;
import dev.chat.app.support.SseTestClient;
import dev.chat.app.support.WsTestClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One address may hold so many connections over all transports; behind a trusted proxy, the forwarded one counts. */
class AddressLimitIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int CAP = 3;

    private RunningChat chat;

    @AfterEach
    void stop() {
        chat.close();
    }

    private RunningChat startWith(List<String> trustedProxies) {
        ChatConfig.Abuse abuse = new ChatConfig.Abuse(ChatConfig.Abuse.NONE.rates(), CAP, trustedProxies);
        chat = RunningChat.start(ChatConfig.defaults(0).withAbuse(abuse));
        return chat;
    }

    @Test
    void givenAnAddressAtItsCap_newConnectionsOnEveryTransportGet429_andNoSessionIsMade() {
        startWith(List.of());
        chat.client();
        chat.sseClient();
        chat.client();

        assertThat(upgradeStatus(Map.of())).isEqualTo(429);
        for (String path : new String[] {"/chat/sse", "/chat/poll"}) {
            Answer refused = get(path, Map.of());
            assertThat(refused.status()).as(path).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).as(path).hasValue("10");
            assertThat(refused.body()).as(path).contains("too many connections from your address");
        }
        assertThat(chat.localSessions()).isEqualTo(CAP);
    }

    @Test
    void givenAConnectionOfACappedAddressCloses_itsPlaceIsFreeAgain() {
        startWith(List.of());
        WsTestClient first = chat.client();
        chat.client();
        SseTestClient stream = chat.sseClient();
        assertThat(upgradeStatus(Map.of())).isEqualTo(429);

        first.drop();
        stream.close();

        EventLog.awaiting().until(() -> upgradeStatus(Map.of()) == 101);
        EventLog.awaiting().until(() -> get("/chat/sse?probe", Map.of()).status() != 429);
    }

    @Test
    void givenUpgradesResetBeforeTheServerAnswers_theirPlacesAreFreeAgain() throws Exception {
        startWith(List.of());
        for (int i = 0; i < 300; i++) {
            try (Socket socket =
                    new Socket(chat.chatUri().getHost(), chat.chatUri().getPort())) {
                socket.setSoLinger(true, 0); // close sends a reset, whatever the server still writes
                socket.getOutputStream()
                        .write(("GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                                        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                        + "Sec-WebSocket-Version: 13\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
            }
        }

        EventLog.awaiting().until(() -> upgradeStatus(Map.of()) == 101);
    }

    @Test
    void givenATrustedProxy_theForwardedAddressIsCapped_andEachClientBehindItHasItsOwnCap() {
        startWith(List.of("127.0.0.0/8", "::1"));
        Map<String, String> alice = Map.of("X-Forwarded-For", "203.0.113.7");
        for (int i = 0; i < CAP; i++) {
            chat.client(alice, true).awaitJoined();
        }

        assertThat(upgradeStatus(alice)).isEqualTo(429);
        assertThat(get("/chat/poll", alice).status()).isEqualTo(429);
        // A client cannot escape its cap by writing its own header: the proxy appended what it saw.
        assertThat(upgradeStatus(Map.of("X-Forwarded-For", "198.51.100.1, 203.0.113.7")))
                .isEqualTo(429);
        assertThat(upgradeStatus(Map.of("X-Forwarded-For", "203.0.113.8"))).isEqualTo(101);
        assertThat(get("/chat/poll", Map.of("X-Forwarded-For", "203.0.113.9")).status())
                .isEqualTo(200);
    }

    @Test
    void givenNoTrustedProxy_theHeaderIsIgnored_andThePeerIsCapped() {
        startWith(List.of());
        for (int i = 0; i < CAP; i++) {
            chat.client(Map.of("X-Forwarded-For", "203.0.113." + i), true).awaitJoined();
        }

        assertThat(upgradeStatus(Map.of("X-Forwarded-For", "203.0.113.99"))).isEqualTo(429);
    }

    /** 101 when the upgrade succeeded (the socket is closed again at once), else the refusal's status. */
    private int upgradeStatus(Map<String, String> headers) {
        try {
            WsTestClient client = WsTestClient.connect(chat.chatUri(), headers, true);
            client.drop();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    /** Status, headers and (for a refusal) body; a stream that is let in is closed after its head. */
    private record Answer(int status, HttpHeaders headers, String body) {}

    private static Answer get(RunningChat chat, String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(chat.httpUri(path)).timeout(Duration.ofSeconds(5));
        headers.forEach(request::header);
        try {
            HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            String body = "";
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200 || !path.startsWith("/chat/sse")) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            return new Answer(response.statusCode(), response.headers(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Answer get(String path, Map<String, String> headers) {
        return get(chat, path, headers);
    }
}
