package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.app.support.RunningChat;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The raw upgrade, as a browser sends it: what the server agrees to. */
class WebSocketHandshakeIT {
    private final RunningChat chat = RunningChat.startDefault();

    @AfterEach
    void stop() {
        chat.close();
    }

    @Test
    void givenClientOffersPermessageDeflate_theServerDeclinesIt() throws Exception {
        List<String> response = upgrade("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n");

        assertThat(response.get(0)).contains("101");
        assertThat(response).noneMatch(line -> line.toLowerCase().startsWith("sec-websocket-extensions"));
    }

    private List<String> upgrade(String extraHeaders) throws Exception {
        int port = chat.chatUri().getPort();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /chat HTTP/1.1\r\n"
                            + "Host: 127.0.0.1:" + port + "\r\n"
                            + "Upgrade: websocket\r\n"
                            + "Connection: Upgrade\r\n"
                            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                            + "Sec-WebSocket-Version: 13\r\n"
                            + extraHeaders
                            + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            List<String> lines = new ArrayList<>();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                lines.add(line);
            }
            return lines;
        }
    }
}
