package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.app.support.EventLog;
import dev.chat.app.support.RunningChat;
import dev.chat.app.support.WsTestClient;
import dev.chat.store.redis.RedisServerProcess;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Redis stops answering (SIGSTOP) under two nodes and a few hundred senders: the nodes stay live, every command is
 * answered once within the configured bound, nothing refused as {@code unavailable} is ever posted, and sending
 * works again soon after Redis resumes.
 */
class RedisStallIT {
    private static final Duration REDIS_TIMEOUT = Duration.ofMillis(500);
    private static final int SENDERS_PER_NODE = 100;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final RedisServerProcess redis = RedisServerProcess.start();
    private final ChatConfig nodeConfig = RunningChat.withGrace(ChatConfig.defaults(0), Duration.ofSeconds(30))
            .withStore(new ChatConfig.Store(
                    redis.uri().toString(), "stall", Duration.ofSeconds(15), Duration.ofSeconds(5), REDIS_TIMEOUT));
    private final RunningChat nodeA = RunningChat.start(nodeConfig);
    private final RunningChat nodeB = RunningChat.start(nodeConfig);

    @AfterEach
    void stop() throws Exception {
        redis.thaw();
        Stream.of(nodeA, nodeB).forEach(RunningChat::close);
        redis.close();
    }

    @Test
    void givenRedisFrozenUnderHundredsOfSenders_everyCommandIsAnsweredOnceInTime_andNothingRefusedIsPosted()
            throws Exception {
        WsTestClient observer = nodeB.client();
        List<WsTestClient> senders = new ArrayList<>();
        for (int batch = 0; batch < SENDERS_PER_NODE / 25; batch++) { // connecting is not what this test is about
            senders.addAll(nodeA.clients(25));
            senders.addAll(nodeB.clients(25));
        }
        senders.forEach(WsTestClient::awaitJoined);

        redis.freeze();
        long frozenAt = System.nanoTime();
        for (int i = 0; i < senders.size(); i++) {
            senders.get(i).sendMessage("general", "during the freeze " + i, "f" + i);
        }
        assertThat(statusOf(nodeA, "/health")).isEqualTo(200);
        assertThat(statusOf(nodeB, "/")).isEqualTo(200);

        // Each sender gets one answer for its ref, while Redis is still frozen.
        Set<String> refused = new HashSet<>();
        for (int i = 0; i < senders.size(); i++) {
            String ref = "f" + i;
            JsonNode answer = answerTo(senders.get(i), ref);
            if (answer.has("code")) {
                assertThat(answer.path("code").textValue()).isIn("unavailable", "outcome_unknown");
                if ("unavailable".equals(answer.path("code").textValue())) {
                    refused.add("during the freeze " + i);
                }
            }
        }
        Duration answeredWithin = Duration.ofNanos(System.nanoTime() - frozenAt);
        // Redis is still frozen: every answer came from the bound (0.5 s per call), not from Redis.
        assertThat(answeredWithin).isLessThan(Duration.ofSeconds(4));
        assertThat(refused).isNotEmpty();
        for (int i = 0; i < senders.size(); i++) {
            String ref = "f" + i;
            assertThat(senders.get(i).log().data("ack").stream()
                                    .filter(ack -> ref.equals(ack.path("ref").textValue()))
                                    .count()
                            + senders.get(i).log().data("error").stream()
                                    .filter(error ->
                                            ref.equals(error.path("ref").textValue()))
                                    .count())
                    .as("answers to %s", ref)
                    .isEqualTo(1);
        }

        redis.thaw();
        long thawedAt = System.nanoTime();
        WsTestClient first = senders.get(0);
        EventLog.awaiting().atMost(Duration.ofSeconds(5)).until(() -> {
            first.sendMessage("general", "after the freeze", "after-" + System.nanoTime());
            return observer.log().data("message").stream()
                    .anyMatch(m -> "after the freeze".equals(m.path("text").textValue()));
        });
        assertThat(Duration.ofNanos(System.nanoTime() - thawedAt)).isLessThan(Duration.ofSeconds(3));

        List<String> delivered = observer.log().data("message").stream()
                .map(m -> m.path("text").textValue())
                .toList();
        assertThat(delivered).doesNotContainAnyElementsOf(refused);
    }

    private static JsonNode answerTo(WsTestClient client, String ref) {
        JsonNode[] answer = new JsonNode[1];
        EventLog.awaiting().atMost(Duration.ofSeconds(8)).until(() -> {
            answer[0] = Stream.concat(client.log().data("ack").stream(), client.log().data("error").stream())
                    .filter(data -> ref.equals(data.path("ref").textValue()))
                    .findFirst()
                    .orElse(null);
            return answer[0] != null;
        });
        return answer[0];
    }

    private static int statusOf(RunningChat node, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(node.httpUri(path))
                .timeout(Duration.ofSeconds(2))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
