package dev.chat.transport.polling;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.Cursor;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.ErrorEvent;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.in.ChatUseCases;
import dev.chat.domain.port.out.EventEncoder;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat over HTTP long-polling ({@code GET /chat/poll}); commands go to {@code POST /chat/send}. A held poll is
 * an async request: it holds no thread.
 */
public final class PollingTransport {
    private static final Logger log = LoggerFactory.getLogger(PollingTransport.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration HOUSEKEEPING_EVERY = Duration.ofSeconds(1);
    private static final int RESPONDER_THREADS = 4;

    private final ChatUseCases useCases;
    private final EventEncoder encoder;
    private final PollingSettings settings;
    private final ConcurrentHashMap<SessionToken, PollFeed> feeds = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor timer = newTimer();
    /** Writes answers, so the thread that delivered an event never waits on a slow poller's socket. */
    private final ExecutorService responder = Executors.newFixedThreadPool(RESPONDER_THREADS, runnable -> {
        Thread thread = new Thread(runnable, "poll-responder");
        thread.setDaemon(true);
        return thread;
    });

    public PollingTransport(ChatUseCases useCases, EventEncoder encoder, PollingSettings settings) {
        this.useCases = requireNonNull(useCases, "useCases");
        this.encoder = requireNonNull(encoder, "encoder");
        this.settings = requireNonNull(settings, "settings");
    }

    /** Registers the poll route; call while the Javalin app is being created. */
    public void install(JavalinConfig config) {
        config.routes.get(settings.path(), this::poll);
        config.events.serverStarted(() -> timer.scheduleAtFixedRate(
                this::detachAbandoned,
                HOUSEKEEPING_EVERY.toMillis(),
                HOUSEKEEPING_EVERY.toMillis(),
                TimeUnit.MILLISECONDS));
    }

    /** Answers every held poll (clients poll again, elsewhere) and stops the timers. */
    public void shutdown() {
        List.copyOf(feeds.values()).forEach(PollFeed::end);
        timer.shutdownNow();
        responder.shutdown(); // lets the answers just handed over go out
    }

    private void poll(Context ctx) {
        ctx.contentType("application/json");
        ctx.header("Cache-Control", "no-store");
        CompletableFuture<String> answer;
        try {
            answer = answer(ctx.queryParam("session"), ctx.queryParam("cursor"), timeout(ctx.queryParam("timeout")));
        } catch (ChatException e) {
            ctx.status(e.code() == ErrorCode.UNAUTHORIZED ? 401 : 400)
                    .result(encoder.encode(new ErrorEvent(e.code(), e.getMessage(), null))
                            .dataJson());
            return;
        }
        ctx.future(() -> answer.thenAcceptAsync(ctx::result, responder));
    }

    private CompletableFuture<String> answer(String session, String cursorText, Duration timeout) {
        if (session == null) {
            PollFeed feed = newFeed();
            SessionToken token = useCases.connect().connect(feed);
            feed.attach(token);
            feeds.put(token, feed);
            return feed.poll(0, Duration.ZERO);
        }
        SessionToken token = new SessionToken(session);
        Optional<PollCursor> cursor = PollCursor.parse(cursorText);
        PollFeed current = feeds.get(token);
        if (current != null && cursor.isPresent() && current.canServe(cursor.get())) {
            return current.poll(cursor.get().received(), timeout);
        }
        // Not ours to answer exactly (another node's feed, an expired one, an older cursor): resume from history.
        PollFeed feed = newFeed();
        feed.attach(token);
        useCases.resume().resume(token, cursor.map(PollCursor::positions).orElse(Cursor.EMPTY), feed);
        PollFeed previous = feeds.put(token, feed);
        if (previous != null && previous != feed) {
            previous.close(CloseReason.REPLACED);
        }
        return feed.poll(0, Duration.ZERO);
    }

    private Duration timeout(String seconds) {
        if (seconds == null) {
            return settings.defaultTimeout();
        }
        try {
            long value = Long.parseLong(seconds);
            if (value < 0) {
                throw new NumberFormatException();
            }
            Duration requested = Duration.ofSeconds(value);
            return requested.compareTo(settings.maxTimeout()) > 0 ? settings.maxTimeout() : requested;
        } catch (NumberFormatException e) {
            throw new ChatException(ErrorCode.INVALID_FIELD, "timeout must be a whole number of seconds");
        }
    }

    /** Cancelled timeouts (polls answered early) leave the queue at once. Its thread starts with the first task. */
    private static ScheduledThreadPoolExecutor newTimer() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "poll-timer");
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    private PollFeed newFeed() {
        byte[] id = new byte[6];
        RANDOM.nextBytes(id);
        return new PollFeed(
                Base64.getUrlEncoder().withoutPadding().encodeToString(id), settings.maxQueuedBytes(), timer);
    }

    /** A client that stopped polling counts as disconnected; the reconnect grace then runs as for any transport. */
    private void detachAbandoned() {
        feeds.forEach((token, feed) -> {
            if (feed.isAbandoned(settings.idleMargin()) && feeds.remove(token, feed)) {
                feed.end();
                try {
                    useCases.disconnect().disconnect(token, feed);
                } catch (RuntimeException e) {
                    log.error("disconnect of an abandoned poll feed failed", e);
                }
            }
        });
    }
}
