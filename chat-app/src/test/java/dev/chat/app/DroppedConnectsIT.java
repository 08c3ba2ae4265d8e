package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.app.support.RunningChat;
import dev.chat.app.support.VanishingClients;
import dev.chat.app.support.WsTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Clients that vanish in the middle of connecting leave nothing behind once the reconnect grace has passed. */
class DroppedConnectsIT {
    private static final int CLIENTS = 1_000;

    /** Heartbeats every second: a dropped SSE stream is noticed at its next write. */
    private final RunningChat chat =
            RunningChat.start(RunningChat.withGrace(ChatConfig.defaults(0), Duration.ofMillis(500))
                    .withConnections(new ChatConfig.Connections(
                            64 * 1024, 1024 * 1024, Duration.ofSeconds(1), Duration.ofSeconds(5))));

    @AfterEach
    void stop() {
        chat.close();
    }

    @Test
    void givenAThousandWebSocketAndAThousandSseClientsDroppingTcpRightAfterConnecting_noSessionIsLeft()
            throws Exception {
        ExecutorService droppers = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> drops = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                drops.add(droppers.submit(() -> VanishingClients.upgradeAndReset(chat.chatUri())));
                drops.add(droppers.submit(() -> VanishingClients.openStreamAndReset(chat.httpUri("/chat/sse"))));
            }
            for (Future<?> drop : drops) {
                drop.get();
            }
        } finally {
            droppers.shutdownNow();
        }

        await().atMost(Duration.ofSeconds(30)).until(chat::localSessions, sessions -> sessions == 0);
        WsTestClient fresh = chat.client();
        assertThat(fresh.log().first("activeUsers").path("users")).hasSize(1);
    }
}
