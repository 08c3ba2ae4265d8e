package dev.chat.transport.ws;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.ClientConnection;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Jetty WebSocket session as the domain sees it. Sends are asynchronous; the bytes waiting in Jetty's (otherwise
 * unbounded) queue are counted, and a connection that lets them grow past the limit is closed as a slow consumer.
 */
final class WebSocketConnection implements ClientConnection {
    private static final Logger log = LoggerFactory.getLogger(WebSocketConnection.class);
    /** How long a closing connection may take to flush its close frame before it is dropped. */
    private static final long CLOSE_GRACE_SECONDS = 5;

    private final Session session;
    private final long maxQueuedBytes;
    private final ScheduledExecutorService scheduler;
    private final Runnable onServerClose;
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile SessionToken token;

    /**
     * @param onServerClose runs (on the scheduler) when the server closes the connection, so the domain can let go
     *     of it without waiting for the peer to acknowledge the close
     */
    WebSocketConnection(
            Session session, long maxQueuedBytes, ScheduledExecutorService scheduler, Runnable onServerClose) {
        this.session = requireNonNull(session, "session");
        this.maxQueuedBytes = maxQueuedBytes;
        this.scheduler = requireNonNull(scheduler, "scheduler");
        this.onServerClose = requireNonNull(onServerClose, "onServerClose");
    }

    @Override
    public void send(OutboundEvent event) {
        if (closing.get()) {
            return; // the client will resume from its cursor after reconnecting
        }
        String frame = event.envelopeJson();
        long size = frame.length();
        if (queuedBytes.addAndGet(size) > maxQueuedBytes) {
            queuedBytes.addAndGet(-size);
            log.info("closing slow consumer {} with {} bytes queued", session.getRemoteSocketAddress(), queuedBytes);
            close(CloseReason.SLOW_CONSUMER);
            return;
        }
        session.sendText(frame, Callback.from(() -> queuedBytes.addAndGet(-size), failure -> {
            queuedBytes.addAndGet(-size);
            log.debug("send to {} failed: {}", session.getRemoteSocketAddress(), failure.toString());
        }));
    }

    @Override
    public void close(CloseReason reason) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        session.close(CloseCodes.of(reason), CloseCodes.phrase(reason), Callback.NOOP);
        // A peer that does not read will never take the close frame: drop it after a grace period.
        scheduler.schedule(
                () -> {
                    if (session.isOpen()) {
                        session.disconnect();
                    }
                },
                CLOSE_GRACE_SECONDS,
                TimeUnit.SECONDS);
        scheduler.execute(onServerClose);
    }

    SessionToken token() {
        return token;
    }

    void attach(SessionToken token) {
        this.token = token;
    }
}
