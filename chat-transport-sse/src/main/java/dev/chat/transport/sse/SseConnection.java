package dev.chat.transport.sse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.Cursor;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.model.Welcome;
import dev.chat.domain.port.out.ClientConnection;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One event stream, as the domain sees it. Frames wait in a bounded queue and are written with non-blocking servlet
 * I/O, so no thread waits on a slow reader; a stream that lets the queue overflow is ended as a slow consumer (its
 * EventSource reconnects and resumes).
 *
 * <p>Every event carries {@code id: SESSION|CURSOR}: the browser hands it back as {@code Last-Event-ID} when it
 * reconnects on its own, which resumes the same session exactly where the stream broke.
 */
final class SseConnection implements ClientConnection, WriteListener, AsyncListener {
    static final String ID_SEPARATOR = "|";
    private static final long CLOSE_GRACE_SECONDS = 5;

    private final ServletOutputStream out;
    private final long maxQueuedBytes;
    private final ScheduledExecutorService releaser;
    private final Consumer<SseConnection> onEnd;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private AsyncContext async;
    private long queuedBytes;
    private boolean started;
    private boolean closing;
    private boolean ended;
    private SessionToken token;
    private Cursor cursor = Cursor.EMPTY;

    /**
     * @param onEnd runs once when the stream ends, on {@code releaser}, never inside a caller's lock
     */
    SseConnection(
            ServletOutputStream out,
            long maxQueuedBytes,
            ScheduledExecutorService releaser,
            Consumer<SseConnection> onEnd) {
        this.out = requireNonNull(out, "out");
        this.maxQueuedBytes = maxQueuedBytes;
        this.releaser = requireNonNull(releaser, "releaser");
        this.onEnd = requireNonNull(onEnd, "onEnd");
    }

    @Override
    public void send(OutboundEvent event) {
        synchronized (this) {
            if (closing || ended) {
                return; // the client resumes from its last event id after reconnecting
            }
            track(event);
            enqueue(frame(event));
        }
    }

    @Override
    public void close(CloseReason reason) {
        synchronized (this) {
            if (closing || ended) {
                return;
            }
            closing = true;
            if (reason == CloseReason.SLOW_CONSUMER) {
                queue.clear(); // it does not read: end it now, it resumes from its last event id
                queuedBytes = 0;
                completeNow();
                return;
            }
            // A peer that does not read would never take the goodbye: end the stream after a grace period.
            try {
                releaser.schedule(this::forceEnd, CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (RejectedExecutionException shutDown) {
                // shutting down: the server ends the stream itself
            }
            queue.add(("event: close\ndata: {\"reason\":\"" + reason.name().toLowerCase(Locale.ROOT) + "\"}\n\n")
                    .getBytes(UTF_8));
            flush();
        }
    }

    /**
     * A comment line keeps proxies from timing the stream out and makes a dead peer's socket fail; the heartbeat
     * event (no id, so the resume point stays) lets a browser, which never sees comments, spot a dead stream.
     */
    void heartbeat(byte[] frame) {
        synchronized (this) {
            if (!closing && !ended) {
                enqueue(frame);
            }
        }
    }

    /** Queued frames start flowing; before this, events only queue (the response may still become an error). */
    void start(AsyncContext asyncContext, long retryMillis) {
        synchronized (this) {
            this.async = asyncContext;
            if (ended) {
                asyncContext.complete(); // ended before it began (e.g. replaced by a concurrent resume)
                return;
            }
            queue.addFirst(("retry: " + retryMillis + "\n\n").getBytes(UTF_8));
            started = true;
        }
        async.addListener(this);
        out.setWriteListener(this); // the container calls onWritePossible when the stream can take data
    }

    SessionToken token() {
        synchronized (this) {
            return token;
        }
    }

    void attach(SessionToken sessionToken) {
        synchronized (this) {
            this.token = sessionToken;
        }
    }

    @Override
    public void onWritePossible() {
        synchronized (this) {
            flush();
        }
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

    /** Caller holds the lock. */
    private void enqueue(byte[] frame) {
        if (queuedBytes + frame.length > maxQueuedBytes) {
            closing = true;
            queue.clear();
            queuedBytes = 0;
            completeNow();
            return;
        }
        queue.add(frame);
        queuedBytes += frame.length;
        flush();
    }

    /** Writes while the stream can take data without blocking. Caller holds the lock. */
    private void flush() {
        if (!started || ended) {
            return;
        }
        try {
            while (!queue.isEmpty()) {
                if (!out.isReady()) {
                    return; // onWritePossible continues
                }
                byte[] frame = queue.poll();
                queuedBytes -= frame.length;
                out.write(frame);
            }
            if (!out.isReady()) {
                return;
            }
            out.flush();
            if (closing) {
                completeNow();
            }
        } catch (IOException | IllegalStateException e) {
            completeNow();
        }
    }

    private void forceEnd() {
        synchronized (this) {
            completeNow();
        }
    }

    /** Caller holds the lock. */
    private void completeNow() {
        if (async != null && !ended) {
            try {
                async.complete();
            } catch (IllegalStateException alreadyDone) {
                // the container ended it first
            }
        }
        runSoon(this::end);
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
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            queue.clear();
        }
        runSoon(() -> onEnd.accept(this));
    }

    /** Caller holds the lock. */
    private void track(OutboundEvent encoded) {
        if (encoded.event() instanceof Welcome welcome) {
            token = welcome.session();
        }
        cursor = cursor.advancedBy(encoded.event());
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
