package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chat.app.support.RunningChat;
import dev.chat.app.support.WsTestClient;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The WebSocket byte stream itself, read by a strict parser over a plain socket: a joiner's catch-up and the messages
 * that queue up for a member leave in runs, several frames per socket write (Jetty gathers them), and every frame of
 * such a run must still arrive whole, unmasked, with no reserved bit, as valid UTF-8, and in seq order.
 */
class WebSocketFramingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READ_FOR = Duration.ofSeconds(10);
    /** Enough frames that a joiner reads its whole catch-up and a good run of live messages behind it. */
    private static final int FRAMES_PER_JOINER = 120;

    private final RunningChat chat = RunningChat.startDefault();
    private final AtomicBoolean posting = new AtomicBoolean(true);
    private final ExecutorService posters = Executors.newFixedThreadPool(3);

    @AfterEach
    void stop() throws InterruptedException {
        posting.set(false);
        posters.shutdown();
        posters.awaitTermination(10, TimeUnit.SECONDS);
        chat.close();
    }

    @Test
    void givenJoinersArrivingWhileMessagesFlow_everyFrameTheyReadIsWellFormed_andMessagesComeInSeqOrder()
            throws Exception {
        List<Future<?>> running = new ArrayList<>();
        for (int poster = 0; poster < 3; poster++) {
            WsTestClient client = chat.client();
            int id = poster;
            running.add(posters.submit(() -> {
                for (int n = 0; posting.get(); n++) {
                    client.sendJson(Map.of(
                            "event",
                            "message",
                            "data",
                            Map.of("room", "general", "text", "héllo wörld ✓ " + id + "/" + n)));
                }
            }));
        }

        for (int joiner = 0; joiner < 40; joiner++) {
            List<JsonNode> events = readAsJoiner();
            assertThat(events).as("joiner %d's frames", joiner).hasSizeGreaterThanOrEqualTo(FRAMES_PER_JOINER);
            assertThat(events.get(0).get("event").asText()).isEqualTo("welcome");
            long previous = 0;
            for (JsonNode event : events) {
                if (event.get("event").asText().equals("message")) {
                    long seq = event.get("data").get("seq").asLong();
                    assertThat(seq)
                            .as("joiner %d: seq after %d", joiner, previous)
                            .isEqualTo(previous == 0 ? seq : previous + 1);
                    previous = seq;
                }
            }
        }
        for (Future<?> poster : running) {
            assertThat(poster.isDone()).as("posters still posting").isFalse();
        }
    }

    @Test
    void givenAClientThatOnlyListens_theServerPingsIt_andSendsHeartbeats_atThePingInterval() throws Exception {
        ChatConfig defaults = ChatConfig.defaults(0);
        ChatConfig.Connections connections = defaults.connections();
        try (RunningChat pinging = RunningChat.start(defaults.withConnections(new ChatConfig.Connections(
                        connections.maxFrameBytes(),
                        connections.maxQueuedBytes(),
                        Duration.ofMillis(200),
                        Duration.ofSeconds(30))));
                Socket socket = upgrade(pinging.chatUri().getPort())) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int pings = 0;
            List<Long> heartbeatsAt = new ArrayList<>();
            long deadline = System.nanoTime() + READ_FOR.toNanos();
            while ((pings < 2 || heartbeatsAt.size() < 3) && System.nanoTime() < deadline) {
                Frame frame = readFrame(in);
                if (frame.opcode() == 0x9) {
                    pings++;
                } else if (frame.opcode() == 0x1
                        && JSON.readTree(strictUtf8(frame.payload()))
                                .get("event")
                                .asText()
                                .equals("heartbeat")) {
                    heartbeatsAt.add(System.nanoTime());
                }
            }
            assertThat(pings).as("pings").isGreaterThanOrEqualTo(2);
            assertThat(heartbeatsAt).as("heartbeats").hasSizeGreaterThanOrEqualTo(3);
            // one beat per interval, not one per tick of the beats spread over it (Heartbeats); the larger of two
            // gaps, as a stalled scheduler catching up may bring one beat closer to the next
            long widestGap =
                    Math.max(heartbeatsAt.get(1) - heartbeatsAt.get(0), heartbeatsAt.get(2) - heartbeatsAt.get(1));
            assertThat(Duration.ofNanos(widestGap)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        }
    }

    @Test
    void givenAMessageSplitAcrossFrames_withAPingBetween_itIsPutTogether_andThePingAnswered() throws Exception {
        try (Socket socket = upgrade(chat.chatUri().getPort())) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            byte[] message =
                    "{\"event\":\"message\",\"data\":{\"room\":\"general\",\"text\":\"in ✓ three\",\"ref\":\"f1\"}}"
                            .getBytes(StandardCharsets.UTF_8);
            int cut = message.length / 3;
            int splitsTheCheckMark = indexOf(message, (byte) 0xE2) + 1; // a frame may end inside a character
            writeFrame(out, false, 0x1, Arrays.copyOfRange(message, 0, cut));
            writeFrame(out, true, 0x9, "are you there".getBytes(StandardCharsets.US_ASCII));
            writeFrame(out, false, 0x0, Arrays.copyOfRange(message, cut, splitsTheCheckMark));
            writeFrame(out, true, 0x0, Arrays.copyOfRange(message, splitsTheCheckMark, message.length));

            byte[] pong = null;
            JsonNode echoed = null;
            JsonNode ack = null;
            long deadline = System.nanoTime() + READ_FOR.toNanos();
            while ((pong == null || echoed == null || ack == null) && System.nanoTime() < deadline) {
                Frame frame = readFrame(in);
                if (frame.opcode() == 0xA) {
                    pong = frame.payload();
                } else if (frame.opcode() == 0x1) {
                    JsonNode event = JSON.readTree(strictUtf8(frame.payload()));
                    String name = event.get("event").asText();
                    if (name.equals("message")) {
                        echoed = event.get("data");
                    } else if (name.equals("ack")) {
                        ack = event.get("data");
                    }
                }
            }
            assertThat(pong).as("the pong").isNotNull().isEqualTo("are you there".getBytes(StandardCharsets.US_ASCII));
            assertThat(echoed).as("the message, put together").isNotNull();
            assertThat(echoed.get("text").asText()).isEqualTo("in ✓ three");
            assertThat(ack).as("its ack").isNotNull();
            assertThat(ack.get("ref").asText()).isEqualTo("f1");
        }
    }

    @Test
    void givenFramesThatTogetherPassTheMessageLimit_theConnectionIsClosedWith1009() throws Exception {
        int limit = ChatConfig.defaults(0).connections().maxFrameBytes();
        try (Socket socket = upgrade(chat.chatUri().getPort())) {
            OutputStream out = socket.getOutputStream();
            byte[] half = "z".repeat(limit / 2 + 1).getBytes(StandardCharsets.US_ASCII);
            writeFrame(out, false, 0x1, half);
            writeFrame(out, true, 0x0, half);

            assertThat(closeCode(new DataInputStream(socket.getInputStream()))).isEqualTo(1009);
        }
    }

    @Test
    void givenATextMessageThatIsNotUtf8_theConnectionIsClosedWith1007() throws Exception {
        try (Socket socket = upgrade(chat.chatUri().getPort())) {
            writeFrame(socket.getOutputStream(), true, 0x1, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});

            assertThat(closeCode(new DataInputStream(socket.getInputStream()))).isEqualTo(1007);
        }
    }

    @Test
    void givenABinaryMessageInFrames_itIsRefusedOnce_andTheConnectionKeepsWorking() throws Exception {
        try (Socket socket = upgrade(chat.chatUri().getPort())) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            writeFrame(out, false, 0x2, new byte[] {1, 2});
            writeFrame(out, true, 0x0, new byte[] {3});
            writeFrame(
                    out,
                    true,
                    0x1,
                    "{\"event\":\"message\",\"data\":{\"room\":\"general\",\"text\":\"still here\"}}"
                            .getBytes(StandardCharsets.UTF_8));

            List<String> errors = new ArrayList<>();
            String text = null;
            long deadline = System.nanoTime() + READ_FOR.toNanos();
            while (text == null && System.nanoTime() < deadline) {
                Frame frame = readFrame(in);
                if (frame.opcode() != 0x1) {
                    continue;
                }
                JsonNode event = JSON.readTree(strictUtf8(frame.payload()));
                if (event.get("event").asText().equals("error")) {
                    errors.add(event.get("data").get("code").asText());
                } else if (event.get("event").asText().equals("message")) {
                    text = event.get("data").get("text").asText();
                }
            }
            assertThat(errors).containsExactly("invalid_envelope");
            assertThat(text).isEqualTo("still here");
        }
    }

    /** Opens a connection, reads {@link #FRAMES_PER_JOINER} text frames strictly, and drops it. */
    private List<JsonNode> readAsJoiner() throws IOException {
        try (Socket socket = upgrade(chat.chatUri().getPort())) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            List<JsonNode> events = new ArrayList<>();
            long deadline = System.nanoTime() + READ_FOR.toNanos();
            while (events.size() < FRAMES_PER_JOINER && System.nanoTime() < deadline) {
                Frame frame = readFrame(in);
                if (frame.opcode() == 0x9 || frame.opcode() == 0xA) {
                    continue; // ping, pong
                }
                assertThat(frame.opcode()).as("a text frame").isEqualTo(0x1);
                events.add(JSON.readTree(strictUtf8(frame.payload())));
            }
            return events;
        } catch (SocketTimeoutException stalled) {
            throw new AssertionError("the stream stalled mid-frame or the server went quiet", stalled);
        }
    }

    /** A plain socket that has done the WebSocket handshake, with reads timing out after {@link #READ_FOR}. */
    private static Socket upgrade(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout((int) READ_FOR.toMillis());
        OutputStream out = socket.getOutputStream();
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        out.write(("GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                        + "Sec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertThat(readHead(socket.getInputStream())).startsWith("HTTP/1.1 101");
        return socket;
    }

    /** Writes one client frame, masked as RFC 6455 requires of clients. */
    private static void writeFrame(OutputStream out, boolean fin, int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 127);
            frame.write(ByteBuffer.allocate(8).putLong(payload.length).array());
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /** Reads until the server's close frame and returns its code. */
    private static int closeCode(DataInputStream in) throws IOException {
        long deadline = System.nanoTime() + READ_FOR.toNanos();
        while (System.nanoTime() < deadline) {
            Frame frame = readFrame(in);
            if (frame.opcode() == 0x8) {
                return ByteBuffer.wrap(frame.payload()).getShort() & 0xffff;
            }
        }
        throw new AssertionError("no close frame within " + READ_FOR);
    }

    private static int indexOf(byte[] bytes, byte wanted) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        throw new IllegalArgumentException("not found");
    }

    private record Frame(int opcode, byte[] payload) {}

    /** Reads one server frame, checking what every server frame must be: whole, unmasked, no reserved bit. */
    private static Frame readFrame(DataInputStream in) throws IOException {
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        assertThat(first & 0x70).as("reserved bits").isZero();
        assertThat(first & 0x80).as("every message in one frame").isNotZero();
        assertThat(second & 0x80).as("server frames are not masked").isZero();
        long length = second & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[Math.toIntExact(length)];
        in.readFully(payload);
        return new Frame(first & 0x0f, payload);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) { // up to the blank line, and not one byte further
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the handshake");
            }
            head.write(b);
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static String strictUtf8(byte[] payload) throws CharacterCodingException {
        return StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(payload))
                .toString();
    }
}
