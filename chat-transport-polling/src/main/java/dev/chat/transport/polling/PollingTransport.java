package dev.chat.transport.polling;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.Cursor;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.ErrorEvent;
import dev.chat.domain.model.Identity;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.in.ChatUseCases;
import dev.chat.domain.port.out.EventEncoder;
import dev.chat.domain.port.out.SignInVerifier;
import dev.chat.relay.SessionRelay;
import dev.chat.transport.core.Admission;
import dev.chat.transport.core.ClientLink;
import dev.chat.transport.core.TransportMetrics;
import dev.chat.transport.http.HttpAnswer;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat over HTTP long-polling ({@code GET /chat/poll}); commands go to {@code POST /chat/send}. A held poll is
 * an async request: it holds no thread.
 *
 * <p>A session's feed lives on the node that serves the session. A poll that lands on another node is relayed there
 * (and its answer back), so a client behind a round-robin balancer gets exactly what it would from one node; only
 * when no live node serves the session does the node that got the poll take it over, resuming from the cursor.
 */
public final class PollingTransport {
    private static final Logger log = LoggerFactory.getLogger(PollingTransport.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration HOUSEKEEPING_EVERY = Duration.ofSeconds(1);
    private static final int RESPONDER_THREADS = 4;
    /** The relay topic of polls carried to the node that serves their session. */
    private static final String RELAY_TOPIC = "poll";
    /** How much longer than the poll itself a relayed poll may take before the client is told to try again. */
    private static final Duration RELAY_MARGIN = Duration.ofSeconds(5);

    private final ChatUseCases useCases;
    private final SessionRelay relay;
    private final EventEncoder encoder;
    private final PollingSettings settings;
    private final TransportMetrics metrics;
    private final Admission admission;
    private final SignInVerifier signIn;
    private final ConcurrentHashMap<SessionToken, Poller> feeds = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    /** Polls this node passed to the node serving their session, still waiting for its answer. */
    private final Set<CompletableFuture<HttpAnswer>> relayedOut = ConcurrentHashMap.newKeySet();

    private final ScheduledThreadPoolExecutor timer = newTimer();
    /** Writes answers, so the thread that delivered an event never waits on a slow poller's socket. */
    private final ExecutorService responder = Executors.newFixedThreadPool(RESPONDER_THREADS, runnable -> {
        Thread thread = new Thread(runnable, "poll-responder");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * A session's feed on this node, and the feed the client's cursor named when this one was opened to resume it (null
     * for a new session or a client starting over): a poll naming that one is a copy the client has moved past.
     */
    private record Poller(PollFeed feed, ClientLink link, String resumedFrom) {}

    public PollingTransport(
            ChatUseCases useCases,
            SessionRelay relay,
            EventEncoder encoder,
            PollingSettings settings,
            TransportMetrics metrics,
            Admission admission,
            SignInVerifier signIn) {
        this.useCases = requireNonNull(useCases, "useCases");
        this.relay = requireNonNull(relay, "relay");
        this.encoder = requireNonNull(encoder, "encoder");
        this.settings = requireNonNull(settings, "settings");
        this.metrics = requireNonNull(metrics, "metrics");
        this.admission = requireNonNull(admission, "admission");
        this.signIn = requireNonNull(signIn, "signIn");
    }

    /** Registers the poll route; call while the Javalin app is being created. */
    public void install(JavalinConfig config) {
        metrics.gauges(
                feeds::size,
                () -> feeds.values().stream()
                        .mapToLong(poller -> poller.feed().queuedBytes())
                        .sum());
        config.routes.get(settings.path(), this::poll);
        relay.serve(RELAY_TOPIC, this::answerRelayed);
        config.events.serverStarted(() -> timer.scheduleAtFixedRate(
                this::detachAbandoned,
                HOUSEKEEPING_EVERY.toMillis(),
                HOUSEKEEPING_EVERY.toMillis(),
                TimeUnit.MILLISECONDS));
    }

    /**
     * Answers every held poll before the server stops, so none is cut off: this node's feeds with what they have
     * (clients poll again, elsewhere), polls passed to other nodes with 503 (a balancer tries another node at once).
     * Waits up to {@code grace} for the answers to be written.
     */
    public void shutdown(Duration grace) {
        stopping = true;
        List.copyOf(feeds.values()).forEach(poller -> poller.feed().end());
        List.copyOf(relayedOut).forEach(waiting -> waiting.complete(restarting()));
        timer.shutdownNow();
        responder.shutdown();
        try {
            if (!responder.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("poll answers still being written after {}; the rest are cut off", grace);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void poll(Context ctx) {
        ctx.contentType("application/json");
        ctx.header("Cache-Control", "no-store");
        if (stopping) { // the server is about to stop: a poll held now would be cut off
            restarting().writeTo(ctx);
            return;
        }
        CompletableFuture<HttpAnswer> answer;
        try {
            answer = answer(
                    ctx.queryParam("session"),
                    ctx.queryParam("cursor"),
                    timeout(ctx.queryParam("timeout")),
                    ctx.queryParam("token"));
        } catch (ChatException e) {
            refusal(e).writeTo(ctx);
            return;
        }
        ctx.future(() -> answer.thenAcceptAsync(result -> result.writeTo(ctx), this::respond));
    }

    /** @throws ChatException {@code unauthorized} for a new session without a valid sign-in token, when needed */
    private CompletableFuture<HttpAnswer> answer(
            String session, String cursorText, Duration timeout, String signInToken) {
        if (session == null) {
            Identity identity = signIn.required() ? signIn.verify(signInToken) : Identity.ANONYMOUS;
            return open(Optional.empty(), Cursor.EMPTY, null, identity);
        }
        SessionToken token = new SessionToken(session);
        Poller here = feeds.get(token);
        if (here != null && here.feed().isOpen()) {
            return answerHere(token, cursorText, timeout);
        }
        String request = new RelayedPoll(cursorText, timeout).text();
        CompletableFuture<HttpAnswer> waiting = new CompletableFuture<>();
        relayedOut.add(waiting);
        waiting.whenComplete((answer, failure) -> relayedOut.remove(waiting));
        if (stopping) { // shutdown may have answered the others before this one was added
            waiting.complete(restarting());
            return waiting;
        }
        relay.ask(token, RELAY_TOPIC, request, timeout.plus(RELAY_MARGIN))
                .thenApply(HttpAnswer::parse)
                .exceptionally(failure -> HttpAnswer.ofFailure(failure, null, encoder))
                .thenAccept(waiting::complete);
        return waiting;
    }

    /** A poll another node got for a session this node serves (or that nobody serves any more). */
    private CompletableFuture<String> answerRelayed(SessionToken token, String request) {
        RelayedPoll poll = RelayedPoll.parse(request);
        return answerHere(token, poll.cursor(), poll.timeout()).thenApply(HttpAnswer::text);
    }

    /** Answers from this node's feed of the session, or makes this node serve the session, resuming from the cursor. */
    private CompletableFuture<HttpAnswer> answerHere(SessionToken token, String cursorText, Duration timeout) {
        Optional<PollCursor> cursor = PollCursor.parse(cursorText);
        Poller current = feeds.get(token);
        if (current != null && cursor.isPresent()) {
            if (current.feed().canServe(cursor.get())) {
                return current.feed().poll(cursor.get().received(), timeout).thenApply(HttpAnswer::ok);
            }
            if (current.feed().isOpen() && cursor.get().feedId().equals(current.resumedFrom())) {
                // A copy of the poll that opened this feed, late: a stopping node still passed it on after the balancer
                // had retried it here. It must not resume the session again (the client's poll on this feed would be
                // closed as replaced); if its answer was lost instead, what the feed holds is that answer.
                return current.feed().asItStands().thenApply(HttpAnswer::ok);
            }
        }
        // Not ours to answer exactly (an expired feed, another feed's cursor, a session served elsewhere until now):
        // resume from history.
        return open(
                Optional.of(token),
                cursor.map(PollCursor::positions).orElse(Cursor.EMPTY),
                cursor.filter(named -> !named.startsOver())
                        .map(PollCursor::feedId)
                        .orElse(null),
                Identity.ANONYMOUS);
    }

    /**
     * A new session (of {@code identity}), or one resumed from history (which keeps its own), with a new feed on this
     * node: answered at once.
     */
    private CompletableFuture<HttpAnswer> open(
            Optional<SessionToken> resume, Cursor positions, String resumedFrom, Identity identity) {
        Admission.Entry admitted = admission.admit();
        Optional<Admission.Refusal> notAdmitted = admitted.refusal();
        if (notAdmitted.isPresent()) {
            return CompletableFuture.completedFuture(HttpAnswer.notAdmitted(notAdmitted.get(), encoder));
        }
        try {
            return openAdmitted(resume, positions, resumedFrom, identity, admitted);
        } finally {
            admitted.opened();
        }
    }

    private CompletableFuture<HttpAnswer> openAdmitted(
            Optional<SessionToken> resume,
            Cursor positions,
            String resumedFrom,
            Identity identity,
            Admission.Entry admitted) {
        PollFeed feed = newFeed();
        Poller poller = new Poller(feed, new ClientLink(useCases, feed), resumedFrom);
        Optional<ErrorEvent> refusal = poller.link().open(resume, positions, identity, admitted);
        if (refusal.isPresent()) {
            return CompletableFuture.completedFuture(HttpAnswer.of(refusal.get(), encoder));
        }
        SessionToken token = poller.link().token().orElseThrow();
        Poller previous = feeds.put(token, poller);
        if (previous != null && previous != poller) {
            previous.feed().close(CloseReason.REPLACED); // the domain moved the session to the new feed
            previous.link().release();
        }
        return feed.poll(0, Duration.ZERO).thenApply(HttpAnswer::ok);
    }

    /**
     * Writes an answer on the responder pool; once the transport is shutting down, on the thread that has it: a
     * relayed poll's answer that arrives then must still reach its client, or its request would hang until the
     * balancer gives up on it.
     */
    private void respond(Runnable write) {
        try {
            responder.execute(write);
        } catch (RejectedExecutionException shuttingDown) {
            write.run();
        }
    }

    private HttpAnswer restarting() {
        return HttpAnswer.refusal(
                new ChatException(ErrorCode.UNAVAILABLE, "this node is restarting; poll again"), null, encoder);
    }

    private HttpAnswer refusal(ChatException e) {
        return HttpAnswer.refusal(e, null, encoder);
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
                Base64.getUrlEncoder().withoutPadding().encodeToString(id), settings.maxQueuedBytes(), timer, metrics);
    }

    /** A client that stopped polling counts as disconnected; the reconnect grace then runs as for any transport. */
    private void detachAbandoned() {
        feeds.forEach((token, poller) -> {
            if (poller.feed().isAbandoned(settings.idleMargin()) && feeds.remove(token, poller)) {
                poller.feed().end();
                poller.link().release();
            }
        });
    }
}
