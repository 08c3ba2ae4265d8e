package dev.chat.app.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** A WebSocket upgrade written by hand, to see the server's status line (a client library only says it failed). */
public final class RawUpgrade {
    private RawUpgrade() {}

    /** The status of the upgrade's answer: 101 when taken. */
    public static int statusOf(URI chatUri) {
        try (Socket socket = new Socket(chatUri.getHost(), chatUri.getPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream()
                    .write(("GET " + chatUri.getRawPath()
                                    + (chatUri.getRawQuery() == null ? "" : "?" + chatUri.getRawQuery())
                                    + " HTTP/1.1\r\nHost: " + chatUri.getHost()
                                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            String statusLine = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(statusLine.substring(9, 12));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
