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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The raw upgrade, as a browser sends it: what the server agrees to, and how it refuses a broken one. */
class WebSocketHandshakeIT {
    private static final String KEY = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    private static final String VERSION = "Sec-WebSocket-Version: 13\r\n";

    private final RunningChat chat = RunningChat.startDefault();

    @AfterEach
    void stop() {
        chat.close();
    }

    @Test
    void givenClientOffersPermessageDeflate_theServerDeclinesIt() throws Exception {
        List<String> response =
                upgrade(KEY + VERSION + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n");

        assertThat(response.get(0)).contains("101");
        assertThat(response).noneMatch(line -> line.toLowerCase().startsWith("sec-websocket-extensions"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"fragment; maxLength=8", "identity"})
    void givenClientOffersAnyOfJettysOwnExtensions_theServerDeclinesIt(String offer) throws Exception {
        List<String> response = upgrade(KEY + VERSION + "Sec-WebSocket-Extensions: " + offer + "\r\n");

        assertThat(response.get(0)).contains("101");
        assertThat(response).noneMatch(line -> line.toLowerCase().startsWith("sec-websocket-extensions"));
    }

    @Test
    void givenThousandsOfUpgrades_noneCreatesAnHttpSession() throws Exception {
        for (int i = 0; i < 2_000; i++) {
            List<String> response = upgrade(KEY + VERSION);
            assertThat(response.get(0)).contains("101");
            assertThat(response).noneMatch(line -> line.toLowerCase().startsWith("set-cookie"));
        }
    }

    @Test
    void givenTheHttpTransports_noEndpointSetsASessionCookie() throws Exception {
        for (String path : new String[] {"/chat/poll", "/", "/health"}) {
            List<String> response =
                    request("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            assertThat(response.get(0)).as(path).contains(" 200 ");
            assertThat(response).as(path).noneMatch(line -> line.toLowerCase().startsWith("set-cookie"));
        }
    }

    @Test
    void givenAnUpgradeWithoutAKey_itIsRefusedWith400() throws Exception {
        assertThat(upgrade(VERSION).get(0)).contains(" 400 ");
        assertThat(upgrade("Sec-WebSocket-Key: short\r\n" + VERSION).get(0)).contains(" 400 ");
    }

    @Test
    void givenAnUnsupportedVersion_itIsRefusedWith426NamingTheSupportedOne() throws Exception {
        List<String> response = upgrade(KEY + "Sec-WebSocket-Version: 8\r\n");

        assertThat(response.get(0)).contains(" 426 ");
        assertThat(response).contains("Sec-WebSocket-Version: 13");
    }

    @Test
    void givenAPlainGet_itIsRefusedWith400() throws Exception {
        assertThat(request("GET /chat HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                        .get(0))
                .contains(" 400 ");
    }

    private List<String> upgrade(String extraHeaders) throws Exception {
        return request("GET /chat HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + extraHeaders
                + "\r\n");
    }

    private List<String> request(String head) throws Exception {
        int port = chat.chatUri().getPort();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
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
