package dev.chat.app.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Clients that vanish: they connect, wait for the server's first answer, then reset the TCP connection. */
public final class VanishingClients {
    private VanishingClients() {}

    /**
     * Upgrades, then resets the connection once it is switched. Turned away with 503 (a crowd larger than the server
     * lets wait for its turn), it comes back after {@code Retry-After}, as the browser library does.
     */
    public static void upgradeAndReset(URI chatUri) {
        for (int attempt = 1; ; attempt++) {
            long retryAfterSeconds = upgradeAndResetOnce(chatUri);
            if (retryAfterSeconds < 0) {
                return;
            }
            if (attempt == 10) {
                throw new IllegalStateException("upgrade still refused after " + attempt + " attempts");
            }
            try {
                TimeUnit.SECONDS.sleep(retryAfterSeconds); // the wait the server asked for
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** -1 once switched and reset; the server's Retry-After when it answered 503. */
    private static long upgradeAndResetOnce(URI chatUri) {
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
            if (status.endsWith("503")) {
                return retryAfter(in);
            }
            if (!status.endsWith("101")) {
                throw new IllegalStateException("upgrade refused: " + status);
            }
            socket.setSoLinger(true, 0); // close sends RST
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Retry-After of the answer's head, in seconds. */
    private static long retryAfter(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.indexOf("\r\n\r\n") < 0) {
            int next = in.read();
            if (next < 0) {
                break;
            }
            head.append((char) next);
        }
        return head.toString()
                .lines()
                .filter(line -> line.regionMatches(true, 0, "Retry-After:", 0, 12))
                .mapToLong(line -> Long.parseLong(line.substring(12).trim()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("503 without Retry-After: " + head));
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
