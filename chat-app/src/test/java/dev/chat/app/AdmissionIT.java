package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.app.support.RawUpgrade;
import dev.chat.app.support.RunningChat;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A full node, or one asked for connections too fast, turns new ones away before making a session. */
class AdmissionIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final RunningChat chat = RunningChat.start(
            ChatConfig.defaults(0).withOperations(new ChatConfig.Operations(3, 0, 0, Duration.ZERO, Duration.ZERO)));

    @AfterEach
    void stop() {
        chat.close();
    }

    @Test
    void givenAFullNode_newConnectionsOnEveryTransportGet503WithRetryAfter_andNoSessionIsMade() throws Exception {
        for (int i = 0; i < 3; i++) {
            chat.client();
        }

        assertThat(RawUpgrade.statusOf(chat.chatUri())).isEqualTo(503);
        for (String path : new String[] {"/chat/sse", "/chat/poll"}) {
            HttpResponse<String> refused = HTTP.send(
                    HttpRequest.newBuilder(chat.httpUri(path))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as(path).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).as(path).isPresent();
            assertThat(refused.body()).as(path).contains("\"code\":\"unavailable\"", "full");
        }
        assertThat(chat.localSessions()).isEqualTo(3);
    }
}
