package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.app.support.EventLog;
import dev.chat.app.support.RunningChat;
import dev.chat.store.redis.RedisServerProcess;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code /ready} tells a load balancer whether to send clients here; {@code /health} only that the process lives. */
class ReadinessIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void givenASingleNode_itIsReadyOnceStarted() throws Exception {
        try (RunningChat chat = RunningChat.startDefault()) {
            HttpResponse<String> ready = get(chat, "/ready");

            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("\"ready\"");
        }
    }

    @Test
    void givenRedisStopsAnswering_theNodeIsUnreadyAndSaysWhy_butStaysLive_andIsReadyAgainWhenRedisIs()
            throws Exception {
        RedisServerProcess redis = RedisServerProcess.start();
        ChatConfig config = ChatConfig.defaults(0)
                .withStore(new ChatConfig.Store(
                        redis.uri().toString(),
                        "ready",
                        Duration.ofSeconds(15),
                        Duration.ofSeconds(5),
                        Duration.ofMillis(300)));
        try (RunningChat chat = RunningChat.start(config)) {
            assertThat(get(chat, "/ready").statusCode()).isEqualTo(200);

            redis.freeze();
            HttpResponse<String> unready = get(chat, "/ready");
            assertThat(unready.statusCode()).isEqualTo(503);
            assertThat(unready.body()).contains("redis not answering");
            assertThat(get(chat, "/health").statusCode()).isEqualTo(200);

            redis.thaw();
            EventLog.awaiting()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> get(chat, "/ready").statusCode() == 200);
        } finally {
            redis.thaw();
            redis.close();
        }
    }

    private static HttpResponse<String> get(RunningChat chat, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(chat.httpUri(path))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
