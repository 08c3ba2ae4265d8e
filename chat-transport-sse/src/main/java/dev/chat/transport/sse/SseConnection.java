package dev.chat.transport.sse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.Cursor;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.model.Welcome;
import dev.chat.domain.port.out.ClientConnection;
import dev.chat.transport.core.OutboundQueue;
import dev.chat.transport.core.TransportMetrics;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One event stream, as the domain sees it: SSE framing over non-blocking servlet I/O. Frames go through the shared
 * {@link OutboundQueue} and are written only while the stream can take them, so no thread waits on a slow reader;
 * a stream whose queue overflows is ended as a slow consumer (its EventSource reconnects and resumes).
 *
 * <p>Every event carries {@code id: SESSION|CURSOR}: the browser hands it back as {@code Last-Event-ID} when it
 * reconnects on its own, which resumes the same session exactly where the stream broke.
 */
final class SseConnection implements ClientConnection, OutboundQueue.Sink<byte[]>, WriteListener, AsyncListener {
    static final String ID_SEPARATOR = "|";
    private static final long CLOSE_GRACE_SECONDS = 5;

    private final ServletOutputStream out;
    private final OutboundQueue<byte[]> queue;
    private final ScheduledExecutorService releaser;
    private final Consumer<SseConnection> onEnd;
    private final TransportMetrics metrics;
    /** Guarded by this: an event's id and its place in the queue are decided together. */
    private SessionToken token;

    private Cursor cursor = Cursor.EMPTY;
    private volatile AsyncContext async;
    private volatile boolean started;
    private volatile boolean closing;
    /** Taken without a lock: the queue's sink calls end the stream with the queue's lock held. */
    private final AtomicBoolean ended = new AtomicBoolean();

    /**
     * @param retryMillis the reconnect delay suggested to the EventSource, the stream's first line
     * @param onEnd runs once when the stream ends, on {@code releaser}, never inside a caller's lock
     */
    SseConnection(
            ServletOutputStream out,
            long maxQueuedBytes,
            long retryMillis,
            ScheduledExecutorService releaser,
            TransportMetrics metrics,
            Consumer<SseConnection> onEnd) {
        this.out = requireNonNull(out, "out");
        this.queue = new OutboundQueue<>(maxQueuedBytes, this);
        this.releaser = requireNonNull(releaser, "releaser");
        this.onEnd = requireNonNull(onEnd, "onEnd");
        this.metrics = requireNonNull(metrics, "metrics");
        byte[] retry = ("retry: " + retryMillis + "\n\n").getBytes(UTF_8);
        queue.offer(retry, retry.length); // waits for start(), then goes first
    }

    @Override
    public void send(OutboundEvent event) {
        synchronized (this) {
            if (closing || ended.get()) {
                return; // the client resumes from its last event id after reconnecting
            }
            if (event.event() instanceof Welcome welcome) {
                token = welcome.session();
            }
            cursor = cursor.advancedBy(event.event());
            byte[] frame = frame(event);
            queue.offer(frame, frame.length);
        }
    }

    @Override
    public void close(CloseReason reason) {
        synchronized (this) {
            if (closing || ended.get()) {
                return;
            }
            if (reason == CloseReason.SLOW_CONSUMER) {
                closing = true;
                queue.close(); // it does not read: end it now, it resumes from its last event id
                completeNow();
                return;
            }
            byte[] goodbye = ("event: close\ndata: {\"reason\":\""
                            + reason.name().toLowerCase(Locale.ROOT) + "\"}\n\n")
                    .getBytes(UTF_8);
            if (!queue.offer(goodbye, goodbye.length)) {
                return; // overflowed: ended as a slow consumer
            }
            closing = true; // the stream ends once the goodbye has drained
        }
        try {
            // A peer that does not read would never take the goodbye: end the stream after a grace period.
            releaser.schedule(this::completeNow, CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
        } catch (RejectedExecutionException shutDown) {
            // shutting down: the server ends the stream itself
        }
        queue.resume(); // its flush ends the stream at once if the goodbye already went out
    }

    /**
     * A comment line keeps proxies from timing the stream out and makes a dead peer's socket fail; the heartbeat
     * event (no id, so the resume point stays) lets a browser, which never sees comments, spot a dead stream.
     */
    void heartbeat(byte[] frame) {
        if (!closing && !ended.get()) {
            queue.offer(frame, frame.length);
        }
    }

    /** Queued frames start flowing; before this, events only queue (the response may still become an error). */
    void start(AsyncContext asyncContext) {
        this.async = asyncContext;
        if (ended.get()) {
            completeQuietly(asyncContext); // ended before it began (e.g. replaced by a concurrent resume)
            return;
        }
        asyncContext.addListener(this);
        started = true;
        out.setWriteListener(this); // the container calls onWritePossible when the stream can take data
    }

    synchronized Optional<SessionToken> token() {
        return Optional.ofNullable(token);
    }

    @Override
    public boolean ready() {
        return started && !ended.get() && out.isReady();
    }

    @Override
    public void write(byte[] frame, int bytes) {
        try {
            out.write(frame);
        } catch (IOException | IllegalStateException e) {
            completeNow();
        } finally {
            queue.written(bytes); // in the container's buffer now, or gone
        }
    }

    @Override
    public void flush() {
        try {
            if (!ended.get() && out.isReady()) {
                out.flush();
                if (closing && queue.isDrained()) {
                    completeNow();
                }
            }
        } catch (IOException | IllegalStateException e) {
            completeNow();
        }
    }

    @Override
    public void overflowed(long queuedBytes) {
        metrics.slowConsumerClosed();
        close(CloseReason.SLOW_CONSUMER);
    }

    long queuedBytes() {
        return queue.unconfirmedBytes();
    }

    @Override
    public void onWritePossible() {
        queue.resume(); // its flush also ends a closing stream whose goodbye went out
    }

    @Override
    public void onError(Throwable failure) {
        end();
    }

    @Override
    public void onComplete(AsyncEvent event) {
        end();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        end();
    }

    @Override
    public void onError(AsyncEvent event) {
        end();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not re-dispatched
    }

    /** Splits a Last-Event-ID into session and cursor text; either may be absent. */
    static Optional<String[]> splitEventId(String lastEventId) {
        if (lastEventId == null) {
            return Optional.empty();
        }
        int separator = lastEventId.indexOf(ID_SEPARATOR);
        if (separator < 0) {
            return Optional.empty();
        }
        return Optional.of(new String[] {lastEventId.substring(0, separator), lastEventId.substring(separator + 1)});
    }

    private void completeNow() {
        AsyncContext context = async;
        if (context != null && !ended.get()) {
            completeQuietly(context);
        }
        runSoon(this::end);
    }

    private static void completeQuietly(AsyncContext context) {
        try {
            context.complete();
        } catch (IllegalStateException alreadyDone) {
            // the container ended it first
        }
    }

    /** Off the caller's stack; inline once the transport has shut its executor down. */
    private void runSoon(Runnable task) {
        try {
            releaser.execute(task);
        } catch (RejectedExecutionException shutDown) {
            task.run();
        }
    }

    private void end() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        queue.close();
        runSoon(() -> onEnd.accept(this));
    }

    /** Caller holds the lock. */
    private byte[] frame(OutboundEvent event) {
        StringBuilder frame = new StringBuilder(event.dataJson().length() + 96);
        if (token != null) {
            frame.append("id: ")
                    .append(token.value())
                    .append(ID_SEPARATOR)
                    .append(cursor.text())
                    .append('\n');
        }
        frame.append("event: ").append(event.name()).append('\n');
        frame.append("data: ").append(event.dataJson()).append("\n\n");
        return frame.toString().getBytes(UTF_8);
    }
}
