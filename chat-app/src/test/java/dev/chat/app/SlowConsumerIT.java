package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.app.support.RunningChat;
import dev.chat.app.support.WsTestClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A client that stops reading is cut off with a documented code; the server does not buffer for it without limit. */
class SlowConsumerIT {
    private static final int QUEUE_LIMIT = 64 * 1024;
    /** Far more than the queue limit plus the kernel's socket buffers on loopback (a few MiB each way). */
    private static final int MAX_MESSAGES = 8_000;
    /**
     * Sends between waits for an ack. The sender reads its own copies under the same small queue limit, so it must
     * not outrun its own reader (on a busy machine that got the sender cut off too): 16 copies stay under 64 KiB.
     */
    private static final int BATCH = 16;

    // No reconnect grace: the cut-off client's departure is announced at once, which ends the sending loop.
    private final RunningChat chat = RunningChat.start(RunningChat.withGrace(ChatConfig.defaults(0), Duration.ZERO)
            .withConnections(new ChatConfig.Connections(
                    QUEUE_LIMIT,
                    QUEUE_LIMIT,
                    ChatConfig.defaults(0).connections().pingInterval(),
                    ChatConfig.defaults(0).connections().idleTimeout())));

    @AfterEach
    void stop() {
        chat.close();
    }

    @Test
    void givenClientThatDoesNotRead_itIsClosedAsSlowConsumer_whileOthersKeepChatting() {
        WsTestClient sender = chat.client();
        WsTestClient slow = chat.client(Map.of(), false);
        String slowName = sender.await("userConnected").path("user").textValue();
        String text = "x".repeat(3_000);

        for (int i = 0; i < MAX_MESSAGES && sender.events("userDisconnected").isEmpty(); i++) {
            sender.sendMessage("general", text, "m" + i);
            if (i % BATCH == BATCH - 1) {
                String lastOfBatch = "m" + i;
                sender.await("ack", data -> lastOfBatch.equals(data.path("ref").textValue()));
            }
        }

        assertThat(sender.await("userDisconnected").path("user").textValue()).isEqualTo(slowName);
        slow.startReading();
        assertThat(slow.awaitCloseCode()).isEqualTo(4008);
        sender.sendMessage("general", "still flowing", "last");
        assertThat(sender.await(
                        "message",
                        data -> "still flowing".equals(data.path("text").textValue())))
                .isNotNull();
    }
}
