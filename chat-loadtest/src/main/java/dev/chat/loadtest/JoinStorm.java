package dev.chat.loadtest;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A message's delivery while a crowd joins its room: {@code members} clients are in {@code general}, then
 * {@code joiners} more connect as fast as {@code concurrency} connects in flight allow, and meanwhile one member
 * posts a message every {@code interval}. Each message must reach every client that had its {@code welcome} before
 * the message was sent; what is measured is the time from sending to each such arrival (one clock: the generator's).
 *
 * <pre>java -jar chat-loadtest/target/chat-loadtest.jar --url ws://127.0.0.1:8080/chat --joiners 5000</pre>
 */
public final class JoinStorm {

    /** What to run. */
    public record Options(
            URI url, int members, int joiners, int concurrency, Duration interval, Duration settle, Duration timeout) {
        public static Options defaults(URI url) {
            return new Options(
                    url, 50, 5_000, 200, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(120));
        }
    }

    /** What came of it. Latencies in milliseconds. */
    public record Result(
            int joined,
            double joinSeconds,
            int messages,
            long expected,
            long delivered,
            long missing,
            long duplicates,
            int lost,
            String firstLoss,
            int refusals,
            double p50,
            double p99,
            double max) {
        public String summary() {
            return String.format(
                    Locale.ROOT,
                    "joined %d in %.1f s (%.0f/s); %d messages; deliveries %d of %d (missing %d, twice %d);"
                            + " connections lost %d%s; handshakes turned away %d; latency ms p50 %.1f p99 %.1f max %.1f",
                    joined,
                    joinSeconds,
                    joined / Math.max(joinSeconds, 1e-9),
                    messages,
                    delivered,
                    expected,
                    missing,
                    duplicates,
                    lost,
                    firstLoss == null ? "" : " (" + firstLoss + ")",
                    refusals,
                    p50,
                    p99,
                    max);
        }

        public String json() {
            return String.format(
                    Locale.ROOT,
                    "{\"joined\":%d,\"joinSeconds\":%.2f,\"messages\":%d,\"expected\":%d,\"delivered\":%d,"
                            + "\"missing\":%d,\"duplicates\":%d,\"lost\":%d,\"refusals\":%d,\"p50Ms\":%.2f,"
                            + "\"p99Ms\":%.2f,"
                            + "\"maxMs\":%.2f}",
                    joined,
                    joinSeconds,
                    messages,
                    expected,
                    delivered,
                    missing,
                    duplicates,
                    lost,
                    refusals,
                    p50,
                    p99,
                    max);
        }
    }

    private final Options options;
    private final long epoch = System.nanoTime();
    private final int maxMessages;
    private final AtomicLongArray sentAt;
    private final AtomicInteger sent = new AtomicInteger();
    /** Connections that ended after their welcome, and why the first did. */
    private final AtomicInteger lost = new AtomicInteger();

    private final AtomicReference<String> firstLoss = new AtomicReference<>();
    /** Handshakes turned away for now (503, 429) and tried again after their Retry-After. */
    private final AtomicInteger refusals = new AtomicInteger();
    /** Marks this run's messages: a joiner's replayed history may hold an earlier run's. */
    private final String mark = "storm-" + Long.toHexString(System.nanoTime() ^ Double.doubleToLongBits(Math.random()));

    private final String textMark = "\"text\":\"" + mark + " ";

    public JoinStorm(Options options) {
        this.options = options;
        long budget =
                options.timeout().toNanos() / Math.max(1, options.interval().toNanos());
        this.maxMessages = (int) Math.min(1_000_000, budget + 1);
        this.sentAt = new AtomicLongArray(maxMessages);
    }

    public static void main(String[] args) throws Exception {
        Options options = parse(args);
        Result result = new JoinStorm(options).run();
        // The tool's output is its result (a line to read, a line of JSON to keep), not a log: standard output.
        System.out.println(result.summary());
        System.out.println(result.json());
    }

    public Result run() throws InterruptedException, IOException {
        try (Crowd crowd = new Crowd(options.url())) {
            return run(crowd);
        }
    }

    private Result run(Crowd crowd) throws InterruptedException {
        long deadline = System.nanoTime() + options.timeout().toNanos();
        List<Client> members = connect(crowd, options.members(), deadline);
        Client sender = members.get(0);
        Thread posting = new Thread(() -> post(sender), "storm-sender");
        posting.setDaemon(true);
        posting.start();
        long joinStart = System.nanoTime();
        List<Client> joiners = connect(crowd, options.joiners(), deadline);
        double joinSeconds = (System.nanoTime() - joinStart) / 1e9;
        sleepUntil(Math.min(deadline, System.nanoTime() + options.settle().toNanos()));
        posting.interrupt();
        posting.join();
        sleepUntil(System.nanoTime() + options.settle().toNanos()); // the last messages' deliveries
        List<Client> everyone = new ArrayList<>(members);
        everyone.addAll(joiners);
        everyone.forEach(Client::abort);
        return tally(everyone, joiners.size(), joinSeconds);
    }

    private void post(Client sender) {
        long next = System.nanoTime();
        while (!Thread.currentThread().isInterrupted() && sent.get() < maxMessages) {
            int seq = sent.get();
            sentAt.set(seq, now());
            sent.incrementAndGet();
            try {
                sender.send("{\"event\":\"message\",\"data\":{\"text\":\"" + mark + " " + seq + "\"}}");
            } catch (RuntimeException e) {
                return;
            }
            next += options.interval().toNanos();
            if (!sleepUntil(next)) {
                return;
            }
        }
    }

    /** Connects {@code count} clients with at most {@code concurrency} handshakes and welcomes outstanding. */
    private List<Client> connect(Crowd crowd, int count, long deadline) throws InterruptedException {
        Semaphore inFlight = new Semaphore(options.concurrency());
        List<Client> clients = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (!inFlight.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("timed out connecting: " + i + " of " + count);
            }
            Client client = new Client();
            clients.add(client);
            client.welcomed.whenComplete((at, failure) -> inFlight.release());
            client.crowd = crowd;
            client.connection = crowd.open(client);
        }
        if (!inFlight.tryAcquire(
                options.concurrency(), Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException("timed out waiting for welcomes");
        }
        for (Client client : clients) {
            client.welcomed.join(); // throws if it could not connect
        }
        return clients;
    }

    private Result tally(List<Client> clients, int joined, double joinSeconds) {
        int messages = sent.get();
        long expected = 0;
        long missing = 0;
        long duplicates = 0;
        long[] latencies = new long[clients.size() * Math.max(1, messages)];
        int delivered = 0;
        for (Client client : clients) {
            synchronized (client) {
                duplicates += client.duplicates;
                long welcomedAt = client.welcomed.getNow(Long.MAX_VALUE);
                for (int seq = 0; seq < messages; seq++) {
                    if (welcomedAt >= sentAt.get(seq)) {
                        continue; // it joined after the message: history, not live delivery
                    }
                    expected++;
                    long arrived = client.arrivedAt(seq);
                    if (arrived < 0) {
                        missing++;
                    } else {
                        latencies[delivered++] = arrived - sentAt.get(seq);
                    }
                }
            }
        }
        long[] sorted = Arrays.copyOf(latencies, delivered);
        Arrays.sort(sorted);
        return new Result(
                joined,
                joinSeconds,
                messages,
                expected,
                delivered,
                missing,
                duplicates,
                lost.get(),
                firstLoss.get(),
                refusals.get(),
                percentileMillis(sorted, 0.50),
                percentileMillis(sorted, 0.99),
                percentileMillis(sorted, 1.0));
    }

    static double percentileMillis(long[] sortedNanos, double quantile) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(quantile * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, index))] / 1e6;
    }

    private long now() {
        return System.nanoTime() - epoch;
    }

    private static boolean sleepUntil(long nanoTime) {
        try {
            long wait = nanoTime - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** One connection: when it was welcomed and when each message arrived. */
    private final class Client implements Crowd.Listener {
        final CompletableFuture<Long> welcomed = new CompletableFuture<>();
        private final BitSet seen = new BitSet();
        private long[] arrivals = new long[64];
        private int duplicates;
        private volatile Crowd.Connection connection;
        private Crowd crowd;

        @Override
        public void closed(int code) {
            if (code == 1013 && !welcomed.isDone()) {
                refused(1_000); // overloaded (its store's queue was full): the library backs off and tries again
            } else {
                failed("closed by the server with " + code);
            }
        }

        @Override
        public void refused(long retryAfterMillis) {
            refusals.incrementAndGet(); // admission control: come back when told, as the browser library does
            CompletableFuture.delayedExecutor(retryAfterMillis, TimeUnit.MILLISECONDS)
                    .execute(() -> connection = crowd.open(this));
        }

        @Override
        public void failed(String why) {
            if (!welcomed.completeExceptionally(new IllegalStateException(why))) {
                lost.incrementAndGet();
                firstLoss.compareAndSet(null, why);
            }
        }

        @Override
        public void text(String frame, long nanoTime) {
            long at = nanoTime - epoch;
            if (!welcomed.isDone() && frame.startsWith("{\"event\":\"welcome\"")) {
                welcomed.complete(at);
                return;
            }
            int found = frame.indexOf(textMark);
            if (found < 0 || !frame.startsWith("{\"event\":\"message\"")) {
                return;
            }
            int start = found + textMark.length();
            int seq = Integer.parseInt(frame, start, frame.indexOf('"', start), 10);
            synchronized (this) {
                if (seen.get(seq)) {
                    duplicates++;
                    return;
                }
                seen.set(seq);
                if (seq >= arrivals.length) {
                    arrivals = Arrays.copyOf(arrivals, Math.max(seq + 1, arrivals.length * 2));
                }
                arrivals[seq] = at;
            }
        }

        synchronized long arrivedAt(int seq) {
            return seen.get(seq) ? arrivals[seq] : -1;
        }

        void send(String text) {
            connection.send(text);
        }

        void abort() {
            connection.abort();
        }
    }

    private static Options parse(String[] args) {
        Options defaults = Options.defaults(URI.create("ws://127.0.0.1:8080/chat"));
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!OPTIONS.contains(args[i]) || i + 1 == args.length) {
                throw new IllegalArgumentException("usage: " + String.join(" VALUE ", OPTIONS) + " VALUE");
            }
            given.put(args[i], args[i + 1]);
        }
        return new Options(
                given.containsKey("--url") ? URI.create(given.get("--url")) : defaults.url(),
                intOr(given.get("--members"), defaults.members()),
                intOr(given.get("--joiners"), defaults.joiners()),
                intOr(given.get("--concurrency"), defaults.concurrency()),
                millisOr(given.get("--interval-ms"), defaults.interval()),
                millisOr(given.get("--settle-ms"), defaults.settle()),
                defaults.timeout());
    }

    private static final List<String> OPTIONS =
            List.of("--url", "--members", "--joiners", "--concurrency", "--interval-ms", "--settle-ms");

    private static int intOr(String value, int otherwise) {
        return value == null ? otherwise : Integer.parseInt(value);
    }

    private static Duration millisOr(String value, Duration otherwise) {
        return value == null ? otherwise : Duration.ofMillis(Long.parseLong(value));
    }
}
