package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.app.support.EventLog;
import dev.chat.app.support.RunningChat;
import dev.chat.app.support.SseTestClient;
import dev.chat.app.support.WsTestClient;
import dev.chat.domain.model.RateLimits;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each session's command budgets, over real sockets: refusals, the end of a flooder, and bystanders unharmed. */
class RateLimitIT {
    /** The defaults (10 messages/s, burst 20; 5 room commands/s, burst 20), with a 2 s abuse window. */
    static final ChatConfig.Abuse LIMITS = new ChatConfig.Abuse(
            new RateLimits(
                    ChatConfig.Abuse.DEFAULTS.rates().messages(),
                    ChatConfig.Abuse.DEFAULTS.rates().rooms(),
                    Duration.ofSeconds(2)),
            0,
            List.of());

    private final RunningChat chat = RunningChat.start(ChatConfig.defaults(0).withAbuse(LIMITS));

    @AfterEach
    void stop() {
        chat.close();
    }

    @Test
    void givenABurstOverTheBudget_theRestIsRefusedWithWhenToRetry_andNothingRefusedIsPosted() {
        WsTestClient reader = chat.client();
        WsTestClient sender = chat.client();
        int sent = 60;

        for (int i = 0; i < sent; i++) {
            sender.sendMessage("general", "m" + i, "r" + i);
        }

        EventLog.awaiting()
                .until(() ->
                        sender.events("ack").size() + sender.events("error").size() >= sent);
        List<JsonNode> refused = sender.events("error");
        int acked = sender.events("ack").size();
        assertThat(acked + refused.size()).isEqualTo(sent);
        assertThat(acked).isBetween(20, 30); // the burst, and what refilled while sending
        assertThat(refused).allSatisfy(error -> {
            assertThat(error.path("code").textValue()).isEqualTo("rate_limited");
            assertThat(error.path("retryAfterMs").longValue()).isBetween(1L, 1_000L);
            assertThat(error.path("ref").textValue()).startsWith("r");
        });
        reader.sendMessage("general", "after", "x");
        reader.await("message", data -> "after".equals(data.path("text").textValue()));
        assertThat(reader.events("message")).hasSize(acked + 1);
    }

    @Test
    void givenJoinLeaveChurn_roomCommandsAreLimitedToo() {
        WsTestClient churner = chat.client();
        int commands = 60;

        for (int i = 0; i < commands / 2; i++) {
            churner.sendJson(Map.of("event", "join", "data", Map.of("room", "churn", "ref", "j" + i)));
            churner.sendJson(Map.of("event", "leave", "data", Map.of("room", "churn", "ref", "l" + i)));
        }

        EventLog.awaiting()
                .until(() ->
                        churner.events("ack").size() + churner.events("error").size() >= commands);
        assertThat(churner.events("error"))
                .isNotEmpty()
                .allSatisfy(error -> assertThat(error.path("code").textValue()).isEqualTo("rate_limited"));
        assertThat(churner.events("ack").size()).isBetween(20, 30);
    }

    @Test
    void givenAWebSocketClientThatKeepsFlooding_itIsClosedWith1008_andItsRoomsHearItLeft() {
        WsTestClient bystander = chat.client();
        WsTestClient flooder = chat.client();

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger refs = new AtomicInteger();
        flood(() -> flooder.sendMessage("general", "spam", "s" + refs.incrementAndGet()), stop);
        try {
            assertThat(flooder.awaitCloseCode()).isEqualTo(1008);
        } finally {
            stop.set(true);
        }

        assertThat(bystander.await("userDisconnected").path("user").textValue()).isEqualTo(flooder.nickname());
        assertThat(chat.resumingClient(flooder.session(), null).awaitCloseCode())
                .isEqualTo(4401);
    }

    @Test
    void givenAnHttpClientOverItsBudget_itGets429WithRetryAfter_andWhenItKeepsFloodingItsSessionEnds() {
        SseTestClient flooder = chat.sseClient();
        String session = flooder.session();

        HttpResponse<String> refused = null;
        for (int i = 0; i < 25 && refused == null; i++) {
            HttpResponse<String> answer = chat.sender().message(session, "general", "m" + i, "r" + i);
            if (answer.statusCode() != 200) {
                refused = answer;
            }
        }
        assertThat(refused).isNotNull();
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(refused.body()).contains("\"code\":\"rate_limited\"").contains("\"retryAfterMs\":");

        HttpResponse<String> last = refused;
        for (int i = 0; i < 100_000 && last.statusCode() != 401; i++) {
            last = chat.sender().message(session, "general", "spam", "s" + i);
            assertThat(last.statusCode()).isIn(200, 429, 401);
        }
        assertThat(last.statusCode()).isEqualTo(401); // the session was ended
        assertThat(flooder.await("close").path("reason").textValue()).isEqualTo("abuse");
    }

    @Test
    void givenAFlooderAtAHundredTimesTheLimit_otherClientsAreServedAsBefore() throws Exception {
        // The default abuse window (10 s): the flood lasts as long as the measurement.
        try (RunningChat chat = RunningChat.start(ChatConfig.defaults(0)
                .withAbuse(new ChatConfig.Abuse(ChatConfig.Abuse.DEFAULTS.rates(), 0, List.of())))) {
            WsTestClient flooder = chat.client();
            WsTestClient readerInGeneral = chat.client();
            WsTestClient alice = chat.client();
            WsTestClient bob = chat.client();
            alice.join("quiet");
            bob.join("quiet");
            bob.await("activeUsers", data -> "quiet".equals(data.path("room").textValue()));

            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger refs = new AtomicInteger();
            // About 1,000 a second: a hundred times the limit.
            Thread flood = flood(() -> flooder.sendMessage("general", "spam", "s" + refs.incrementAndGet()), stop);
            List<Long> latenciesMillis = new ArrayList<>();
            try {
                for (int i = 0; i < 40; i++) {
                    String text = "q" + i;
                    long sent = System.nanoTime();
                    alice.sendMessage("quiet", text, "q" + i);
                    bob.await("message", data -> text.equals(data.path("text").textValue()));
                    latenciesMillis.add((System.nanoTime() - sent) / 1_000_000);
                    if (i % 10 == 9) { // keeps alice within her own budget
                        Thread.sleep(1_000); // pacing a sender, not waiting for a result
                    }
                }
            } finally {
                stop.set(true);
                flood.join(5_000);
            }

            List<Long> sorted = latenciesMillis.stream().sorted().toList();
            System.out.printf(
                    "[RateLimitIT] bystander delivery while a client floods at ~1,000/s: median %d ms, max %d ms"
                            + " over %d messages%n",
                    sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), sorted.size());
            assertThat(flooder.closedAtNanos()).isZero(); // it flooded throughout, within the abuse window
            assertThat(flooder.events("error")).hasSizeGreaterThan(1_000);
            assertThat(alice.events("error")).isEmpty();
            assertThat(sorted.get(sorted.size() - 1)).isLessThan(1_000);
            assertThat(readerInGeneral.closedAtNanos()).isZero(); // never closed as a slow consumer
        }
    }

    /** Runs {@code send} in a loop at about 1,000 a second until {@code stop}. */
    private static Thread flood(Runnable send, AtomicBoolean stop) {
        Thread thread = new Thread(
                () -> {
                    long next = System.nanoTime();
                    while (!stop.get()) {
                        try {
                            send.run();
                        } catch (RuntimeException closed) {
                            return;
                        }
                        next += 1_000_000;
                        while (System.nanoTime() < next) {
                            Thread.onSpinWait();
                        }
                    }
                },
                "flooder");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
