package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.app.support.RunningChat;
import dev.chat.app.support.WsTestClient;
import dev.chat.store.redis.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Connections are opened one at a time here, and Redis stops answering for a while: each opening gives its turn to the
 * next while it waits, so all of them are under way at once, none waiting in line, and all get in once Redis answers.
 */
class OpeningOverRedisIT {
    private static final int CONNECTS = 3;

    private final RedisServerProcess redis = RedisServerProcess.start();
    private final RunningChat chat = RunningChat.start(ChatConfig.defaults(0)
            .withOperations(new ChatConfig.Operations(0, 0, 1, Duration.ZERO, Duration.ZERO))
            .withStore(new ChatConfig.Store(
                    redis.uri().toString(),
                    "opening",
                    Duration.ofSeconds(15),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(20))));

    @AfterEach
    void stop() throws Exception {
        redis.thaw();
        chat.close();
        redis.close();
    }

    @Test
    void givenOneTurnAndRedisSlowToAnswer_everyConnectIsUnderWayAtOnce_andAllGetInOnceItAnswers() throws Exception {
        chat.client().awaitJoined(); // the room is set up; what follows is the connect path alone

        redis.freeze();
        List<CompletableFuture<WsTestClient>> connects = new ArrayList<>();
        for (int i = 0; i < CONNECTS; i++) {
            connects.add(WsTestClient.connectAsync(chat.chatUri(), Map.of(), true));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> chat.metricSum("chat_connects_opening ") == CONNECTS);
        assertThat(chat.metricSum("chat_connects_waiting ")).isZero();
        redis.thaw();
        for (CompletableFuture<WsTestClient> connect : connects) {
            connect.get(10, TimeUnit.SECONDS).awaitJoined();
        }
        assertThat(chat.metricSum("chat_connects_over_turns_total ")).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> chat.metricSum("chat_connects_opening ") == 0);
    }

    @Test
    void givenRedisSlowToAnswer_aMessageSentBeforeTheWelcome_isCarriedOutOnceTheConnectionIsOpen() throws Exception {
        chat.client().awaitJoined();
        redis.freeze();
        WsTestClient early =
                WsTestClient.connectAsync(chat.chatUri(), Map.of(), true).get(10, TimeUnit.SECONDS);
        early.sendMessage("general", "sent before the welcome", "early-1");
        await().atMost(Duration.ofSeconds(10)).until(() -> chat.metricSum("chat_connects_opening ") == 1);
        assertThat(early.log().all()).as("nothing before the opening is done").isEmpty();

        redis.thaw();

        early.log().await("ack", ack -> "early-1".equals(ack.path("ref").textValue()));
        List<String> events = early.log().all().stream()
                .map(event -> event.path("event").textValue())
                .toList();
        assertThat(events).startsWith("welcome", "activeUsers");
        assertThat(events.indexOf("ack")).isGreaterThan(events.indexOf("activeUsers"));
        early.log()
                .await(
                        "message",
                        message -> "sent before the welcome"
                                .equals(message.path("text").textValue()));
    }
}
