package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.app.support.RunningChat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A stopping server first stops taking connections, then answers the requests already on the wire before it closes
 * theirs. Cutting one off between its request line and its last header made Jetty answer it with a "500
 * EofException" page, which a balancer passes to the client instead of trying another node.
 */
class StoppingServerIT {
    private final RunningChat chat = RunningChat.start(ChatConfig.defaults(0));

    @AfterEach
    void stop() {
        chat.close();
    }

    @Test
    void givenAPollHalfSentWhenTheServerStops_itIsAnswered503_andNewConnectionsAreRefused() throws Exception {
        int port = chat.server().port();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            // a first request on the connection proves the server has taken it; the poll follows on the same one
            out.write(ascii("GET /health HTTP/1.1\r\nHost: chat\r\n\r\n"));
            out.flush();
            readHealthAnswer(socket.getInputStream());
            out.write(ascii("GET /chat/poll?session=AAAAAAAAAAAAAAAAAAAAAA&cursor=x HTTP/1.1\r\nHost: chat\r\n"));
            out.flush();

            CompletableFuture<Void> stopped =
                    CompletableFuture.runAsync(() -> chat.server().stop());
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        out.write(ascii("X-Still-Sending: yes\r\n")); // a slow client, not an idle one
                        out.flush();
                        return refusesConnections(port);
                    });
            out.write(ascii("Accept: application/json\r\n\r\n"));
            out.flush();

            String answer = readToEnd(socket.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 503 ").contains("\"code\":\"unavailable\"");
            stopped.get(10, TimeUnit.SECONDS);
        }
    }

    private static boolean refusesConnections(int port) {
        try (Socket probe = new Socket("127.0.0.1", port)) {
            return !probe.isConnected();
        } catch (ConnectException refused) {
            return true;
        } catch (IOException other) {
            return false;
        }
    }

    private static void readHealthAnswer(InputStream in) throws IOException {
        StringBuilder answer = new StringBuilder();
        while (answer.indexOf("\"status\":\"ok\"") < 0
                || answer.charAt(answer.length() - 1) != '}') { // the body ends the answer
            int next = in.read();
            if (next < 0) {
                throw new IOException("closed before /health answered: " + answer);
            }
            answer.append((char) next);
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static String readToEnd(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
}
