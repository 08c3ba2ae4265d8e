package dev.chat.app;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The least WebSocket client the warm-up needs, over a blocking socket: it upgrades, sends masked text frames and
 * reads the server's text frames. Hand-written rather than the JDK's client so that the compiler's time goes to the
 * server's code, not a client's.
 */
final class WarmUpClient implements Closeable {
    private static final int OP_TEXT = 0x1;
    private static final int OP_CLOSE = 0x8;
    private static final int OP_PING = 0x9;
    private static final int OP_PONG = 0xA;
    private static final int CRLF_CRLF = 0x0D0A0D0A;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private WarmUpClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.out = socket.getOutputStream();
    }

    /** Opens a connection to {@code /chat} on the loopback port; reads time out after {@code readTimeout}. */
    static WarmUpClient connect(int port, Duration readTimeout) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) readTimeout.toMillis());
            WarmUpClient client = new WarmUpClient(socket);
            client.upgrade(port);
            return client;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void upgrade(int port) throws IOException {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String request = "GET /chat HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = readHead();
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + head.lines().findFirst().orElse(""));
        }
    }

    /** The response head, up to the blank line (the frames follow it in the same stream). */
    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int lastFour = 0;
        while (lastFour != CRLF_CRLF) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during the upgrade");
            }
            head.write(b);
            lastFour = (lastFour << 8) | b;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    void sendText(String text) throws IOException {
        sendFrame(OP_TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The next text frame's payload; answers pings on the way. */
    String readText() throws IOException {
        while (true) {
            int first = in.readUnsignedByte();
            int second = in.readUnsignedByte();
            long length = second & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            if ((second & 0x80) != 0 || length > Integer.MAX_VALUE) {
                throw new IOException("unexpected frame from the server");
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            switch (first & 0x0F) {
                case OP_TEXT -> {
                    return new String(payload, StandardCharsets.UTF_8);
                }
                case OP_PING -> sendFrame(OP_PONG, payload);
                case OP_CLOSE -> throw new EOFException("closed by the server");
                default -> {} // pong, or a continuation the server does not send for chat frames
            }
        }
    }

    private void sendFrame(int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length <= 0xFFFF) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xFF);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) (((long) payload.length >>> shift) & 0xFF));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        synchronized (out) { // a reading thread answers pings while another sends
            frame.writeTo(out);
            out.flush();
        }
    }

    /** Says goodbye (1000) and closes the socket. */
    @Override
    public void close() {
        try {
            sendFrame(OP_CLOSE, new byte[] {0x03, (byte) 0xE8});
        } catch (IOException alreadyGone) {
            // nothing to say goodbye to
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
