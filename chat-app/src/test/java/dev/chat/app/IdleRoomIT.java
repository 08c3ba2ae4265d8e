package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.app.support.EventLog;
import dev.chat.app.support.RunningChat;
import dev.chat.app.support.WsTestClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A room nobody is in gives back its memory: its history is released once it has been idle long enough. */
class IdleRoomIT {
    private final RunningChat chat = RunningChat.start(ChatConfig.defaults(0)
            .withMessaging(new ChatConfig.Messaging(
                    4_000,
                    100,
                    1_000,
                    Duration.ZERO,
                    ChatConfig.Messaging.DEFAULT_HISTORY_MAX_BYTES,
                    Duration.ofSeconds(1))));

    @AfterEach
    void stop() {
        chat.close();
    }

    @Test
    void givenEveryoneLeftARoom_itsHistoryIsReleasedAfterTheIdleTime_andTheRoomStartsAfresh() {
        WsTestClient talker = chat.client();
        talker.join("fleeting");
        JsonNode first = talker.log()
                .await(
                        "activeUsers",
                        data -> "fleeting".equals(data.path("room").textValue()));
        for (int i = 1; i <= 5; i++) {
            talker.sendMessage("fleeting", "message " + i, "m" + i);
        }
        talker.log().await("ack", data -> "m5".equals(data.path("ref").textValue()));
        talker.leave("fleeting");

        // Each look joins the room, which counts as a use: look less often than the idle time.
        EventLog.awaiting()
                .pollDelay(Duration.ofSeconds(2))
                .pollInterval(Duration.ofMillis(2_500))
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> {
                    WsTestClient newcomer = chat.client();
                    newcomer.join("fleeting");
                    JsonNode snapshot = newcomer.log()
                            .await(
                                    "activeUsers",
                                    data -> "fleeting".equals(data.path("room").textValue()));
                    newcomer.close();
                    assertThat(snapshot.path("seq").longValue()).isZero();
                    assertThat(snapshot.path("epoch").textValue())
                            .isNotEqualTo(first.path("epoch").textValue());
                });
    }
}
