package dev.chat.loadtest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Many WebSocket clients on one thread and one selector, with as little work per frame as the protocol allows, so
 * the generator costs far less than the server it measures (the JDK's client, one object graph and handshake per
 * socket, took most of a core for 5,000 and added its own delays to what it timed).
 */
final class Crowd implements AutoCloseable {
    /** What a connection hears: its text frames as ISO-8859-1 strings (enough to find ASCII markers), and failures. */
    interface Listener {
        void text(String frame, long nanoTime);

        /** The server turned the handshake away for now (503, 429): come back after {@code retryAfterMillis}. */
        void refused(long retryAfterMillis);

        /** The server closed the connection with this close code. */
        void closed(int code);

        void failed(String why);
    }

    private static final byte[] MASK = {0x37, 0x2a, 0x11, 0x5c};

    private final Selector selector;
    private final InetSocketAddress address;
    private final byte[] handshake;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread loop;
    private volatile boolean running = true;

    Crowd(URI url) throws IOException {
        this.selector = Selector.open();
        this.address = new InetSocketAddress(url.getHost(), url.getPort() < 0 ? 80 : url.getPort());
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        this.handshake = ("GET " + path + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()) + " HTTP/1.1\r\n"
                        + "Host: " + url.getHost() + ":" + address.getPort() + "\r\n"
                        + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        this.loop = new Thread(this::run, "crowd");
        this.loop.setDaemon(true);
        this.loop.start();
    }

    /** Starts connecting one more client; frames go to {@code listener} on the crowd's thread. */
    Connection open(Listener listener) {
        Connection connection = new Connection(listener);
        submit(connection::connect);
        return connection;
    }

    private void submit(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    @Override
    public void close() throws IOException {
        running = false;
        selector.wakeup();
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
        selector.close();
    }

    private void run() {
        while (running) {
            try {
                selector.select(100);
                for (Runnable task; (task = tasks.poll()) != null; ) {
                    task.run();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    ((Connection) key.attachment()).ready(key);
                }
                selector.selectedKeys().clear();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** One client socket: handshake, then frames. Touched only on the crowd's thread, but {@link #send}. */
    final class Connection {
        private final Listener listener;
        private SocketChannel channel;
        private SelectionKey key;
        private ByteBuffer in = ByteBuffer.allocate(8_192);
        private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        private boolean upgraded;
        private boolean closed;

        private Connection(Listener listener) {
            this.listener = listener;
        }

        /** Sends a text frame (masked, as a client must); callable from any thread. */
        void send(String text) {
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            submit(() -> write(frame(0x1, payload)));
        }

        private void connect() {
            try {
                channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                key = channel.register(selector, SelectionKey.OP_CONNECT, this);
                if (channel.connect(address)) {
                    connected();
                }
            } catch (IOException e) {
                fail("connect: " + e);
            }
        }

        private void ready(SelectionKey ready) {
            try {
                if (!ready.isValid()) {
                    return;
                }
                if (ready.isConnectable() && channel.finishConnect()) {
                    connected();
                }
                if (ready.isValid() && ready.isWritable()) {
                    flush();
                }
                if (ready.isValid() && ready.isReadable()) {
                    read();
                }
            } catch (IOException | RuntimeException e) {
                fail(e.toString()); // counted as lost; the crowd goes on
            }
        }

        private void connected() throws IOException {
            key.interestOps(SelectionKey.OP_READ);
            write(ByteBuffer.wrap(handshake));
        }

        private void read() throws IOException {
            while (true) {
                if (!in.hasRemaining()) {
                    in = grown(in, in.capacity() * 2);
                }
                int read = channel.read(in);
                if (read < 0) {
                    fail("closed by the server");
                    return;
                }
                if (read == 0) {
                    return;
                }
                long at = System.nanoTime();
                in.flip();
                if (!upgraded && !upgrade()) {
                    if (closed) {
                        return;
                    }
                    in.compact();
                    continue;
                }
                frames(at);
                in.compact();
            }
        }

        /** True once the 101 answer is consumed; false while it is incomplete. */
        private boolean upgrade() {
            int end = indexOf(in, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            if (end < 0) {
                return false;
            }
            String head = new String(in.array(), in.position(), end - in.position(), StandardCharsets.ISO_8859_1);
            in.position(end + 4);
            if (head.startsWith("HTTP/1.1 503") || head.startsWith("HTTP/1.1 429")) {
                closed = true;
                closeQuietly();
                listener.refused(retryAfterMillis(head));
                return false;
            }
            if (!head.startsWith("HTTP/1.1 101")) {
                fail("handshake refused: " + head.lines().findFirst().orElse(head));
                return false;
            }
            upgraded = true;
            return true;
        }

        private void frames(long at) {
            while (!closed && in.remaining() >= 2) {
                int start = in.position();
                int opcode = in.get(start) & 0x0f;
                int shortLength = in.get(start + 1) & 0x7f;
                int header = shortLength == 126 ? 4 : shortLength == 127 ? 10 : 2;
                if (in.remaining() < header) {
                    return;
                }
                long length = shortLength == 126
                        ? in.getShort(start + 2) & 0xffff
                        : shortLength == 127 ? in.getLong(start + 2) : shortLength;
                if (in.remaining() < header + length) {
                    return; // the rest is still coming (a full buffer grows before the next read)
                }
                int from = start + header;
                if (opcode == 0x1) {
                    listener.text(new String(in.array(), from, (int) length, StandardCharsets.ISO_8859_1), at);
                } else if (opcode == 0x9) {
                    byte[] ping = new byte[(int) length];
                    in.get(from, ping);
                    write(frame(0xA, ping));
                } else if (opcode == 0x8) {
                    int code = length >= 2 ? in.getShort(from) & 0xffff : 1005;
                    closed = true;
                    closeQuietly();
                    listener.closed(code);
                }
                in.position(from + (int) length);
            }
        }

        private void write(ByteBuffer buffer) {
            if (closed) {
                return;
            }
            out.add(buffer);
            try {
                flush();
            } catch (IOException e) {
                fail(e.toString());
            }
        }

        private void flush() throws IOException {
            while (!out.isEmpty()) {
                ByteBuffer head = out.peek();
                channel.write(head);
                if (head.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    return;
                }
                out.poll();
            }
            key.interestOps(SelectionKey.OP_READ);
        }

        private void fail(String why) {
            if (closed) {
                return;
            }
            closed = true;
            closeQuietly();
            listener.failed(why);
        }

        private void closeQuietly() {
            try {
                channel.close();
            } catch (IOException | RuntimeException ignored) {
                // closing anyway
            }
        }

        /** Drops the connection without a close frame (the end of a run). */
        void abort() {
            submit(() -> {
                closed = true;
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // gone either way
                }
            });
        }
    }

    private static ByteBuffer frame(int opcode, byte[] payload) {
        int header = payload.length < 126 ? 2 : payload.length < 65_536 ? 4 : 10;
        ByteBuffer frame = ByteBuffer.allocate(header + 4 + payload.length);
        frame.put((byte) (0x80 | opcode));
        if (payload.length < 126) {
            frame.put((byte) (0x80 | payload.length));
        } else if (payload.length < 65_536) {
            frame.put((byte) (0x80 | 126)).putShort((short) payload.length);
        } else {
            frame.put((byte) (0x80 | 127)).putLong(payload.length);
        }
        frame.put(MASK);
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (payload[i] ^ MASK[i & 3]));
        }
        return frame.flip();
    }

    private static long retryAfterMillis(String head) {
        return head.lines()
                .filter(line -> line.regionMatches(true, 0, "Retry-After:", 0, 12))
                .findFirst()
                .map(line -> {
                    try {
                        return Long.parseLong(line.substring(12).trim()) * 1000;
                    } catch (NumberFormatException e) {
                        return 1000L;
                    }
                })
                .orElse(1000L);
    }

    private static ByteBuffer grown(ByteBuffer buffer, int capacity) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(capacity, buffer.capacity()));
        buffer.flip();
        bigger.put(buffer);
        return bigger;
    }

    private static int indexOf(ByteBuffer buffer, byte[] needle) {
        for (int i = buffer.position(); i <= buffer.limit() - needle.length; i++) {
            int j = 0;
            while (j < needle.length && buffer.get(i + j) == needle[j]) {
                j++;
            }
            if (j == needle.length) {
                return i;
            }
        }
        return -1;
    }
}
