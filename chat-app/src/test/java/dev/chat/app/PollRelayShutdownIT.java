package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.app.support.PollTestClient;
import dev.chat.app.support.RunningChat;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node that stops while it is passing a poll on to the node serving its session answers that poll (503, poll
 * again) before its server stops, instead of cutting it off: a balancer then retries it on another node.
 */
class PollRelayShutdownIT {
    private final ChatConfig nodeConfig = RunningChat.onTestRedis(
            ChatConfig.defaults(0).withPolling(new ChatConfig.Polling(Duration.ofSeconds(30), Duration.ofSeconds(5))));
    private final RunningChat serving = RunningChat.start(nodeConfig);
    private final RunningChat passingOn = RunningChat.start(nodeConfig);

    @AfterEach
    void stop() {
        Stream.of(serving, passingOn).forEach(RunningChat::close);
    }

    @Test
    void givenPollPassedOnToTheServingNode_whenThePassingNodeStops_thePollIsAnswered503AtOnce() throws Exception {
        PollTestClient poller = RunningChat.pollClientAcross(List.of(serving, passingOn)); // made on the first
        CompletableFuture<HttpResponse<String>> held = poller.poll(30); // lands on the second, held on the first
        await().atMost(Duration.ofSeconds(10)).until(() -> relayedRequests(passingOn) >= 1);

        passingOn.server().stop();

        HttpResponse<String> answer = held.get(5, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.body()).contains("\"code\":\"unavailable\"");
        assertThat(poller.poll(0).get(5, TimeUnit.SECONDS).statusCode())
                .as("polled again with the same cursor, on the node serving it")
                .isEqualTo(200);
    }

    private static double relayedRequests(RunningChat node) {
        return node.metricSum("chat_relay_requests_total");
    }
}
