package dev.chat.app.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client that follows its session wherever the balancer sends it, as the browser library does: when the server
 * moves it (WebSocket 1012, SSE {@code close}, a poll answered {@code closed}) or its connection breaks, it comes back
 * after a jittered delay and resumes with its cursor. It records, in {@code general}, every message seq (and each one
 * received twice), every departure it was told of, every refusal, and when it left and came back.
 */
public abstract class MovingClient {
    /** One HTTP client per transport kind's clients would do; one for all keeps the thread count low. */
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static final ScheduledExecutorService RECONNECTS = Executors.newScheduledThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "moving-client-reconnect");
        thread.setDaemon(true);
        return thread;
    });

    private final String name;
    private final Set<Long> seqs = ConcurrentHashMap.newKeySet();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final Set<String> departuresSeen = ConcurrentHashMap.newKeySet();
    private final List<String> problems = new ArrayList<>();
    private final List<String> retries = new ArrayList<>();
    private final List<Long> leftAtNanos = new ArrayList<>();
    private final List<Long> backAtNanos = new ArrayList<>();
    private volatile String session;
    private volatile String nickname;
    private volatile String epoch;
    private volatile long seq;
    private volatile boolean away;
    protected volatile boolean stopped;

    protected MovingClient(String name) {
        this.name = name;
    }

    /** Opens the first connection (a new session). */
    public abstract void start();

    /** Stops coming back; the connection in use is closed. */
    public abstract void stop();

    public String name() {
        return name;
    }

    public String session() {
        return session;
    }

    public String nickname() {
        return nickname;
    }

    /** In general, with a member list: from then on it receives every message of the room. */
    public boolean joined() {
        return epoch != null;
    }

    /** Connected now (not between a move and its resume). */
    public boolean present() {
        return joined() && !away;
    }

    public Set<Long> seqs() {
        return Set.copyOf(seqs);
    }

    public int duplicates() {
        return duplicates.get();
    }

    public Set<String> departuresSeen() {
        return Set.copyOf(departuresSeen);
    }

    public synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    public synchronized List<Long> leftAtNanos() {
        return List.copyOf(leftAtNanos);
    }

    public synchronized List<Long> backAtNanos() {
        return List.copyOf(backAtNanos);
    }

    /** The resume cursor: general's epoch and the last seq this client has. */
    protected String cursor() {
        return epoch == null ? null : "general:" + epoch + ":" + seq;
    }

    protected void recordEnvelope(String json) {
        try {
            JsonNode envelope = EventLog.JSON.readTree(json);
            record(envelope.path("event").textValue(), envelope.path("data"));
        } catch (JsonProcessingException e) {
            problem("invalid JSON from the server: " + json);
        }
    }

    protected void record(String event, JsonNode data) {
        boolean general = "general".equals(data.path("room").textValue());
        switch (event) {
            case "welcome" -> {
                session = data.path("session").textValue();
                nickname = data.path("user").textValue();
                cameBack(); // resumed, or (its first connect refused) connected as new
            }
            case "activeUsers" -> {
                if (general) {
                    epoch = data.path("epoch").textValue();
                    seq = data.path("seq").longValue();
                }
            }
            case "message" -> {
                if (general) {
                    long messageSeq = data.path("seq").longValue();
                    if (!seqs.add(messageSeq)) {
                        duplicates.incrementAndGet();
                    }
                    seq = Math.max(seq, messageSeq);
                }
            }
            case "userDisconnected" -> departuresSeen.add(data.path("user").textValue());
            case "error" -> {
                if (!"unavailable".equals(data.path("code").textValue())) { // unavailable: a 1013 close follows
                    problem(event + " " + data);
                }
            }
            case "notRecovered" -> problem(event + " " + data);
            default -> {}
        }
    }

    /** The server turned the connection away for now (overloaded): the client is away until it is back. */
    protected void retryLater(Duration delay, String why) {
        leftNow();
        comeBackLater(delay, why);
    }

    /** The server moved this client, or its connection broke: it comes back after 250-500 ms, as the library does. */
    protected void moved() {
        leftNow();
        comeBackLater(Duration.ofMillis(ThreadLocalRandom.current().nextLong(250, 501)), "moved");
    }

    /** What made it try again so far (refusals, broken connections), for a test's failure message. */
    public synchronized List<String> retries() {
        return List.copyOf(retries);
    }

    /** Refused (503) or unreachable: try again after a delay (the server's Retry-After where it gave one). */
    protected void comeBackLater(Duration delay, String why) {
        synchronized (this) {
            retries.add(why);
        }
        comeBackLater(delay);
    }

    private void comeBackLater(Duration delay) {
        if (!stopped) {
            RECONNECTS.schedule(this::reconnect, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Connects again with the session and cursor it has, or as new once its session is gone. */
    protected abstract void reconnect();

    /**
     * The server no longer knows the session (4401, 401): the client starts again as a new one, as the library does.
     * A problem during a test, but not while the clients first connect and a node turns some away (see
     * {@link #forgetStartup()}).
     */
    protected void sessionGone(String what) {
        problem(what);
        synchronized (this) {
            session = null;
            nickname = null;
            epoch = null;
            away = false;
        }
        comeBackLater(Duration.ofMillis(ThreadLocalRandom.current().nextLong(250, 501)), "session gone");
    }

    /**
     * Starts the record of problems and departures afresh: while 300 clients first connect, a node may turn some away
     * after announcing them, and the departure of such a session is rightly told.
     */
    public synchronized void forgetStartup() {
        problems.clear();
        departuresSeen.clear();
    }

    protected synchronized void problem(String what) {
        problems.add(what + " (session " + session + ")");
    }

    private synchronized void leftNow() {
        if (!away) {
            away = true;
            leftAtNanos.add(System.nanoTime());
        }
    }

    private synchronized void cameBack() {
        if (away) {
            away = false;
            backAtNanos.add(System.nanoTime());
        }
    }

    @Override
    public String toString() {
        return name + " (" + nickname + ")";
    }
}
