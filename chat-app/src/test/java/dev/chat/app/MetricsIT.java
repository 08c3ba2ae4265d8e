package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.app.support.EventLog;
import dev.chat.app.support.PollTestClient;
import dev.chat.app.support.RunningChat;
import dev.chat.app.support.WsTestClient;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics}: Prometheus text that promtool accepts, with the chat's own series moving as clients act. */
class MetricsIT {
    private final RunningChat chat = RunningChat.startDefault();

    @AfterEach
    void stop() {
        chat.close();
    }

    @Test
    void givenClientsAtWork_theChatSeriesCountWhatHappened() throws Exception {
        WsTestClient alice = chat.client();
        WsTestClient bob = chat.client();
        alice.sendMessage("general", "hello", "m1");
        bob.await("message");
        alice.send("not json");
        alice.await("error");

        // The fan-out counts after its loop: a client may see the message a moment before the count moves.
        EventLog.awaiting().untilAsserted(() -> {
            String metrics = scrape();
            assertThat(value(metrics, "chat_messages_posted_total")).contains(1.0);
            assertThat(value(metrics, "chat_deliveries_total")).contains(2.0); // alice and bob
            assertThat(value(metrics, "chat_delivery_latency_seconds_count")).contains(1.0);
            assertThat(value(metrics, "chat_errors_total{code=\"malformed_json\"}"))
                    .contains(1.0);
            assertThat(value(metrics, "chat_connections{transport=\"websocket\"}"))
                    .contains(2.0);
            assertThat(value(metrics, "chat_sessions")).contains(2.0);
            assertThat(value(metrics, "chat_rooms")).contains(1.0);
            assertThat(value(metrics, "chat_presence_frames_total"))
                    .hasValueSatisfying(v -> assertThat(v).isGreaterThanOrEqualTo(1.0));
            assertThat(metrics).contains("jvm_memory_used_bytes", "jetty_threads_busy", "chat_outbound_queued_bytes");
        });
    }

    @Test
    void givenFramesReadByTheirClients_noOutboundBytesStayCounted() throws Exception {
        WsTestClient alice = chat.client();
        for (int i = 1; i <= 5; i++) {
            alice.sendMessage("general", "before bob " + i, "b" + i);
        }
        alice.log().await("ack", ack -> ack.path("ref").asText().equals("b5"));
        WsTestClient bob = chat.client(); // his catch-up (welcome, five messages, members) goes out as one run
        bob.log().await("message", m -> m.path("text").asText().equals("before bob 5"));
        alice.sendMessage("general", "after bob", "a1"); // and this one alone
        bob.log().await("message", m -> m.path("text").asText().equals("after bob"));

        // A frame's bytes count from its offer until Jetty reports it written: with both clients reading, none stay.
        EventLog.awaiting()
                .untilAsserted(() -> assertThat(value(scrape(), "chat_outbound_queued_bytes{transport=\"websocket\"}"))
                        .contains(0.0));
    }

    @Test
    void givenAResumeFromAnOldEpoch_itIsCountedByOutcome() throws Exception {
        WsTestClient alice = chat.client();
        String session = alice.session();
        alice.drop();
        chat.resumingClient(session, "general:old-epoch:3").awaitJoined();

        assertThat(value(scrape(), "chat_resumes_total{outcome=\"epoch_changed\"}"))
                .contains(1.0);
    }

    @Test
    void givenTheScrape_promtoolAcceptsIt() throws Exception {
        chat.client().sendMessage("general", "something to count", "m1");
        String metrics = scrape();

        Process promtool;
        try {
            promtool = new ProcessBuilder("promtool", "check", "metrics")
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new AssertionError(
                    "this test needs promtool on the PATH (Debian: apt-get install -y prometheus); .ci/run installs it",
                    e);
        }
        try (OutputStream in = promtool.getOutputStream()) {
            in.write(metrics.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String complaints = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(complaints).isEmpty();
        assertThat(promtool.exitValue()).isZero();
    }

    private String scrape() throws IOException, InterruptedException {
        var response = PollTestClient.get(chat.httpUri("/metrics"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        return response.body();
    }

    /** The sample's value, for a series written exactly as Prometheus shows it (name and labels). */
    private static Optional<Double> value(String metrics, String series) {
        Matcher line =
                Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        return line.find() ? Optional.of(Double.parseDouble(line.group(1))) : Optional.empty();
    }
}
