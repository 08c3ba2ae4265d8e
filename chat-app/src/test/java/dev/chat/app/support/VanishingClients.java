package dev.chat.app.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Clients that vanish: they connect, wait for the server's first answer, then reset the TCP connection. */
public final class VanishingClients {
    private VanishingClients() {}

    public static void upgradeAndReset(URI chatUri) {
        try (Socket socket = new Socket(chatUri.getHost(), chatUri.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + chatUri.getPath() + " HTTP/1.1\r\nHost: " + chatUri.getHost()
                            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII); // "HTTP/1.1 101"
            if (!status.endsWith("101")) {
                throw new IllegalStateException("upgrade refused: " + status);
            }
            socket.setSoLinger(true, 0); // close sends RST
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens an event stream, waits for its status line, then resets the TCP connection. */
    public static void openStreamAndReset(URI streamUri) {
        try (Socket socket = new Socket(streamUri.getHost(), streamUri.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + streamUri.getPath() + " HTTP/1.1\r\nHost: " + streamUri.getHost()
                            + "\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            if (!status.endsWith("200")) {
                throw new IllegalStateException("stream refused: " + status);
            }
            socket.setSoLinger(true, 0); // close sends RST
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
