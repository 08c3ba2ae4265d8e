package dev.chat.transport.ws;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.port.out.ClientConnection;
import dev.chat.transport.core.OutboundQueue;
import dev.chat.transport.core.TransportMetrics;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.OutgoingEntry;
import org.eclipse.jetty.websocket.core.WebSocketCoreSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Jetty WebSocket session as the domain sees it: framing and I/O only. Frames go through the shared
 * {@link OutboundQueue}; Jetty keeps them in order, and their bytes count until Jetty reports them written, so a
 * client that stops reading is closed as a slow consumer once its backlog passes the limit.
 *
 * <p>A run of frames (a joiner's catch-up, or messages that queued up for a member while others were being served)
 * goes to the socket in one write: every frame of the run but the last is handed to Jetty as batchable, which
 * gathers them in its buffer, and the last one writes them all. One write system call per frame was most of what a
 * delivery cost (docs/performance-log.md). Only the last frame of a run carries a callback, for the whole run's bytes:
 * Jetty completes frames in order, so when the last is done (written or failed) so are those before it, and a
 * delivery allocates one callback at most instead of three.
 */
final class WebSocketConnection implements ClientConnection, OutboundQueue.Sink<OutboundEvent> {
    private static final Logger log = LoggerFactory.getLogger(WebSocketConnection.class);
    /** How long a closing connection may take to flush its close frame before it is dropped. */
    private static final long CLOSE_GRACE_SECONDS = 5;

    private final CoreSession session;
    /**
     * Jetty's connection under the session: frames go to its flusher directly, past the session's own flushers, state
     * lock and extension stack (a quarter of a delivery's CPU went there; docs/performance-log.md). The flusher keeps
     * the frames in order and refuses any after a close frame, which is what this service needs from that path. Null
     * when the session negotiated an extension (the handshake offers none), and its frames go through the session.
     */
    private final org.eclipse.jetty.websocket.core.WebSocketConnection frames;

    private final OutboundQueue<OutboundEvent> queue;
    /** The latest frame of the run being written, handed to Jetty when the next comes or the run ends. */
    private OutboundEvent lastOfRun; // guarded by the queue's lock, as the sink's calls are
    /** The bytes of the run so far, {@link #lastOfRun}'s included: confirmed together when the run's last is done. */
    private int runBytes; // guarded as lastOfRun

    private final ScheduledExecutorService scheduler;
    private final Runnable onServerClose;
    private final TransportMetrics metrics;
    private final AtomicBoolean closing = new AtomicBoolean();
    /** Runs once the connection has ended, whoever ended it. */
    private volatile Runnable onEnd = () -> {};
    /** Jetty reported a failure (a timeout, a protocol error): whatever close follows was not the client's choice. */
    private volatile boolean failed;

    /**
     * @param onServerClose runs (on the scheduler) when the server closes the connection, so the domain can let go
     *     of it without waiting for the peer to acknowledge the close
     */
    WebSocketConnection(
            CoreSession session,
            long maxQueuedBytes,
            ScheduledExecutorService scheduler,
            TransportMetrics metrics,
            Runnable onServerClose) {
        this.session = requireNonNull(session, "session");
        this.frames = session instanceof WebSocketCoreSession core
                        && core.getNegotiatedExtensions().isEmpty()
                ? core.getConnection()
                : null;
        this.queue = new OutboundQueue<>(maxQueuedBytes, this);
        this.scheduler = requireNonNull(scheduler, "scheduler");
        this.onServerClose = requireNonNull(onServerClose, "onServerClose");
        this.metrics = requireNonNull(metrics, "metrics");
    }

    /** Something to run when the connection has ended (its place under the address cap). */
    void onEnd(Runnable action) {
        onEnd = requireNonNull(action, "action");
    }

    /** The connection has ended: the transport lets go of it. */
    void ended() {
        onEnd.run();
    }

    /** True once the server started closing the connection. */
    boolean closedByServer() {
        return closing.get();
    }

    void failed() {
        failed = true;
    }

    /** True after Jetty reported a failure: an idle timeout, a broken frame, an I/O error. */
    boolean hasFailed() {
        return failed;
    }

    long queuedBytes() {
        return queue.unconfirmedBytes();
    }

    /** Asks the client for a pong; a client that answers none is closed by the idle timeout. */
    void ping() {
        if (!closing.get()) {
            session.sendFrame(new Frame(OpCode.PING), Callback.NOOP, false);
        }
    }

    @Override
    public void send(OutboundEvent event) {
        queue.offer(event, event.envelopeBytes());
    }

    @Override
    public void sendAll(List<OutboundEvent> events) {
        queue.offerAll(events, OutboundEvent::envelopeBytes);
    }

    @Override
    public void holdWrites() {
        queue.hold();
    }

    @Override
    public void releaseWrites() {
        queue.release();
    }

    @Override
    public void close(CloseReason reason) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        queue.close(); // the client resumes from its cursor after reconnecting
        session.close(CloseCodes.of(reason), CloseCodes.phrase(reason), Callback.NOOP);
        try {
            // A peer that does not read will never take the close frame: drop it after a grace period.
            scheduler.schedule(
                    () -> {
                        if (!session.isClosed()) {
                            session.abort();
                        }
                    },
                    CLOSE_GRACE_SECONDS,
                    TimeUnit.SECONDS);
            scheduler.execute(onServerClose);
        } catch (RejectedExecutionException shuttingDown) {
            onServerClose.run();
        }
    }

    @Override
    public boolean ready() {
        return true; // Jetty queues in order; the bytes stay counted until written
    }

    @Override
    public void write(OutboundEvent event, int bytes) {
        if (lastOfRun != null) {
            hand(lastOfRun, Callback.NOOP, true); // its bytes are confirmed with the run's last frame
        }
        lastOfRun = event;
        runBytes += bytes;
    }

    @Override
    public void flush() {
        if (lastOfRun != null) {
            OutboundEvent last = lastOfRun;
            int bytes = runBytes;
            lastOfRun = null;
            runBytes = 0;
            hand(last, new RunWritten(bytes), false);
        }
    }

    /** @param more another frame of the run follows: Jetty may keep this one in its buffer until then */
    private void hand(OutboundEvent event, Callback done, boolean more) {
        // Each recipient's frame gets its own view of the shared bytes: Jetty moves the view's position as it writes.
        Frame frame = new Frame(OpCode.TEXT).setPayload(ByteBuffer.wrap(event.envelopeUtf8()));
        if (frames != null) {
            frames.enqueueFrame(
                    new OutgoingEntry.Builder(frame, done).batch(more).build());
        } else {
            session.sendFrame(frame, done, more);
        }
    }

    /** A run's last frame is done, and with it the run: its bytes leave the queue's count either way. */
    private final class RunWritten implements Callback {
        private final int bytes;

        RunWritten(int bytes) {
            this.bytes = bytes;
        }

        @Override
        public void succeeded() {
            queue.written(bytes);
        }

        @Override
        public void failed(Throwable failure) {
            queue.written(bytes);
            log.debug("send to {} failed: {}", session.getRemoteAddress(), failure.toString());
        }
    }

    @Override
    public void overflowed(long queuedBytes) {
        log.info("closing slow consumer {} with {} bytes queued", session.getRemoteAddress(), queuedBytes);
        metrics.slowConsumerClosed();
        close(CloseReason.SLOW_CONSUMER);
    }
}
