package dev.chat.transport.polling;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.Cursor;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.port.out.ClientConnection;
import dev.chat.transport.core.OutboundQueue;
import dev.chat.transport.core.TransportMetrics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A polling session's connection on this node. It stays attached between polls and keeps the events the client has
 * not acknowledged yet: a poll acknowledges everything up to its cursor and gets what came after, so a lost response
 * is simply asked for again. A poll with nothing to return is parked until an event or its timeout.
 *
 * <p>Events pass through the shared {@link OutboundQueue}, whose sink is the list of unacknowledged events: their
 * bytes count until the client acknowledges them, so a client that stops polling, or never acknowledges, overflows
 * the queue and its feed is dropped (the next poll resumes from history).
 */
final class PollFeed implements ClientConnection, OutboundQueue.Sink<PollFeed.Entry> {
    private final String id;
    private final OutboundQueue<Entry> queue;
    private final ScheduledExecutorService timer;
    private final TransportMetrics metrics;
    /** Sent and not acknowledged, oldest first. Guarded by this. */
    private final ArrayDeque<Entry> pending = new ArrayDeque<>();

    private Cursor positions = Cursor.EMPTY;
    private long lastNumber;
    private long acknowledged;
    private boolean closed;
    /** Why the server ended the feed, told in the answer; null while open (or for a slow consumer). */
    private CloseReason closedBecause;

    private CompletableFuture<String> parked;
    private ScheduledFuture<?> parkedTimeout;
    private long idleSinceNanos = System.nanoTime();
    private Duration lastTimeout = Duration.ZERO;

    PollFeed(String id, long maxQueuedBytes, ScheduledExecutorService timer, TransportMetrics metrics) {
        this.id = requireNonNull(id, "id");
        this.queue = new OutboundQueue<>(maxQueuedBytes, this);
        this.timer = requireNonNull(timer, "timer");
        this.metrics = requireNonNull(metrics, "metrics");
    }

    record Entry(long number, String envelope, int bytes, Cursor positionsAfter) {}

    @Override
    public void send(OutboundEvent event) {
        synchronized (this) {
            if (closed) {
                return;
            }
            positions = positions.advancedBy(event.event());
            queue.offer(
                    new Entry(++lastNumber, event.envelopeJson(), event.envelopeBytes(), positions),
                    event.envelopeBytes());
        }
    }

    /** Always ready: an event is "written" when it joins the unacknowledged list. Caller holds this (from send). */
    @Override
    public boolean ready() {
        return true;
    }

    @Override
    public void write(Entry entry, int bytes) {
        synchronized (this) {
            pending.add(entry);
        }
    }

    @Override
    public void flush() {
        synchronized (this) {
            if (parked != null) {
                answerParked();
            }
        }
    }

    /** The client resumes from history with the cursor it has. */
    @Override
    public void overflowed(long queuedBytes) {
        metrics.slowConsumerClosed();
        synchronized (this) {
            dropEverything();
        }
    }

    @Override
    public void close(CloseReason reason) {
        synchronized (this) {
            if (reason == CloseReason.SLOW_CONSUMER) {
                dropEverything();
            } else {
                closed = true;
                closedBecause = reason;
                if (parked != null) {
                    answerParked(); // hand over what is left; the next poll resumes wherever it lands
                }
            }
        }
    }

    /** True while the feed takes events: not replaced, dropped as a slow consumer, or ended. */
    synchronized boolean isOpen() {
        return !closed;
    }

    /** True if a poll with this many events received can be answered from this feed ({@link #poll}). */
    synchronized boolean canServe(PollCursor cursor) {
        return !closed && cursor.feedId().equals(id) && cursor.received() <= lastNumber;
    }

    /**
     * Acknowledges the events up to {@code received} and answers with the ones after it, at once if there are any
     * (or {@code timeout} is zero), else when the next event comes or the timeout passes. A poll with fewer events
     * than already acknowledged is one the client's later polls overtook (a balancer retried it elsewhere while the
     * first node still relayed it, say): its client has moved on, so it is answered with what the feed holds now and
     * takes nothing over, neither the poll held nor, by resuming, the session. A client that starts afresh resumes
     * with a cursor of no feed instead.
     *
     * @return the JSON response body {@code {"events": [...], "cursor": "..."}}
     */
    CompletableFuture<String> poll(long received, Duration timeout) {
        synchronized (this) {
            if (received < acknowledged) {
                return asItStands();
            }
            while (!pending.isEmpty() && pending.peek().number() <= received) {
                queue.written(pending.poll().bytes());
            }
            acknowledged = Math.max(acknowledged, received);
            if (parked != null) {
                answerParked(); // a newer poll takes over; the older one returns what there is
            }
            lastTimeout = timeout;
            if (!pending.isEmpty() || timeout.isZero() || closed) {
                idleSinceNanos = System.nanoTime();
                return CompletableFuture.completedFuture(response());
            }
            CompletableFuture<String> answer = new CompletableFuture<>();
            parked = answer;
            try {
                parkedTimeout = timer.schedule(() -> timeOut(answer), timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException shuttingDown) {
                answerParked();
            }
            return answer;
        }
    }

    /** Answers at once with the events after the acknowledged ones, changing nothing (the poll held stays held). */
    synchronized CompletableFuture<String> asItStands() {
        return CompletableFuture.completedFuture(response());
    }

    /** True if the client stopped polling: no poll held and the last one should have been followed up by now. */
    synchronized boolean isAbandoned(Duration margin) {
        long quietNanos = System.nanoTime() - idleSinceNanos;
        return parked == null && quietNanos > lastTimeout.plus(margin).toNanos();
    }

    /** Stops taking events: the client stopped polling, or the node is going away. */
    void end() {
        synchronized (this) {
            closed = true;
            if (parked != null) {
                answerParked();
            }
        }
    }

    long queuedBytes() {
        return queue.unconfirmedBytes();
    }

    String id() {
        return id;
    }

    private synchronized void timeOut(CompletableFuture<String> answer) {
        if (parked == answer) {
            answerParked();
        }
    }

    /** Caller holds the lock. */
    private void answerParked() {
        CompletableFuture<String> answer = parked;
        parked = null;
        if (parkedTimeout != null) {
            parkedTimeout.cancel(false); // else the timer would hold the answered poll until its timeout
            parkedTimeout = null;
        }
        idleSinceNanos = System.nanoTime();
        answer.complete(response());
    }

    /** Caller holds the lock. */
    private String response() {
        List<String> events = new ArrayList<>(pending.size());
        pending.forEach(entry -> events.add(entry.envelope()));
        Cursor reached = pending.isEmpty() ? positions : pending.peekLast().positionsAfter();
        String cursor = new PollCursor(id, lastNumber, reached).text();
        String closedField = closedBecause == null
                ? ""
                : ",\"closed\":\"" + closedBecause.name().toLowerCase(Locale.ROOT) + "\"";
        return "{\"events\":[" + String.join(",", events) + "],\"cursor\":\"" + cursor + "\"" + closedField + "}";
    }

    /** Caller holds the lock. */
    private void dropEverything() {
        closed = true;
        queue.close();
        pending.clear();
        if (parked != null) {
            answerParked();
        }
    }
}
