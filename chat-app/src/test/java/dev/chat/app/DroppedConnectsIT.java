package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.app.support.RunningChat;
import dev.chat.app.support.WsTestClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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

    private final RunningChat chat =
            RunningChat.start(RunningChat.withGrace(ChatConfig.defaults(0), Duration.ofMillis(500)));

    @AfterEach
    void stop() {
        chat.close();
    }

    @Test
    void givenAThousandClientsDroppingTcpRightAfterTheUpgrade_noSessionIsLeft() throws Exception {
        int port = chat.chatUri().getPort();
        ExecutorService droppers = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> drops = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                drops.add(droppers.submit(() -> upgradeAndReset(port)));
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

    /** Upgrades, waits for the 101, then resets the TCP connection without a close frame. */
    private static Void upgradeAndReset(int port) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /chat HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                            + "Sec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] status = in.readNBytes(12); // "HTTP/1.1 101"
            assertThat(new String(status, StandardCharsets.US_ASCII)).endsWith("101");
            socket.setSoLinger(true, 0); // close sends RST
        }
        return null;
    }
}
