package dev.chat.app;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the service's hot paths for a while on a private loopback server before the real one opens its port. On a
 * core or two the JIT compiler otherwise takes the CPU from the first clients: a fresh server's echo round trip is
 * twice a warm one's at the median (docs/performance.md, "Warm-up at start and runtime defaults"). What runs:
 * WebSocket connects and goodbyes, messages echoed to their senders, and their fan-out (with presence) to a few
 * listeners.
 *
 * <p>The private server is built from the same configuration but keeps everything in memory, has no limits, and
 * listens on 127.0.0.1 only, so nothing of it reaches Redis, another node or a client. A warm-up that fails only
 * leaves the process less warm: startup goes on.
 */
final class WarmUp {
    private static final Logger log = LoggerFactory.getLogger(WarmUp.class);
    private static final int LISTENERS = 4;
    private static final int ECHOERS = 2;
    /** Messages each echoing client has in flight. */
    private static final int ECHO_WINDOW = 4;

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    /** What the warm-up did, and on which port of 127.0.0.1 (0: none). */
    record Report(Duration took, int port, long echoes, long framesReceived, long connects, List<String> failures) {}

    private final Duration budget;
    /** Set when the traffic starts, before any client thread. */
    private long deadlineNanos;

    private final AtomicLong echoes = new AtomicLong();
    private final AtomicLong framesReceived = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private final List<String> failures = new ArrayList<>();
    private volatile boolean stopping;

    private WarmUp(Duration budget) {
        this.budget = budget;
    }

    /** Warms up for {@code config}'s {@code warmUp} duration (nothing when it is zero). */
    static Report run(ChatConfig config) {
        Duration budget = config.operations().warmUp();
        if (budget.isZero()) {
            return new Report(Duration.ZERO, 0, 0, 0, 0, List.of());
        }
        log.info("warming up for {} s on a private loopback server (CHAT_WARMUP_SECONDS)", budget.toSeconds());
        long started = System.nanoTime();
        WarmUp warmUp = new WarmUp(budget);
        ChatServer server = ChatApplication.create(privateConfig(config));
        int port;
        try {
            port = server.start().port();
            warmUp.exercise(port);
        } finally {
            server.stop(); // also after a failed start: what did start (stores, scheduler, sockets) is let go
        }
        Report report = warmUp.report(Duration.ofNanos(System.nanoTime() - started), port);
        if (report.failures().isEmpty()) {
            log.info(
                    "warmed up in {} ms: {} messages echoed, {} frames fanned out, {} connects",
                    report.took().toMillis(),
                    report.echoes(),
                    report.framesReceived(),
                    report.connects());
        } else {
            log.warn("warm-up cut short ({}); starting anyway", report.failures());
        }
        return report;
    }

    static ChatConfig privateConfig(ChatConfig config) {
        ChatConfig.Store store = config.store();
        ChatConfig.Operations operations = config.operations();
        return config.withServer(new ChatConfig.Server("127.0.0.1", 0, List.of(), Duration.ofSeconds(1)))
                .withStore(new ChatConfig.Store(
                        null, store.redisNamespace(), store.presenceLease(), store.startupWait(), store.redisTimeout()))
                .withOperations(new ChatConfig.Operations(
                        0, 0, operations.maxOpening(), Duration.ZERO, Duration.ZERO, Duration.ZERO))
                .withAbuse(ChatConfig.Abuse.NONE);
    }

    /**
     * Runs the traffic for the whole budget, counted from here: a private server slow to start (a loaded machine
     * starting several JVMs at once) would otherwise leave no time for any traffic, and the warm-up would do nothing.
     */
    private void exercise(int port) {
        deadlineNanos = System.nanoTime() + budget.toNanos();
        List<WarmUpClient> listeners = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try {
            for (int i = 0; i < LISTENERS; i++) {
                WarmUpClient listener = WarmUpClient.connect(port, READ_TIMEOUT);
                connects.incrementAndGet();
                listeners.add(listener);
                threads.add(start("warm-up-listener-" + i, () -> listen(listener)));
            }
            for (int i = 0; i < ECHOERS; i++) {
                String name = "warm-up-echo-" + i;
                threads.add(start(name, () -> echo(port, name)));
            }
            threads.add(start("warm-up-connects", () -> connectAndLeave(port)));
            for (Thread thread : threads.subList(LISTENERS, threads.size())) {
                thread.join(); // each stops by itself at the deadline
            }
        } catch (IOException e) {
            failed(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopping = true;
            listeners.forEach(WarmUpClient::close);
            for (Thread thread : threads) {
                try {
                    thread.join(READ_TIMEOUT.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void listen(WarmUpClient listener) {
        try {
            while (!stopping) {
                listener.readText();
                framesReceived.incrementAndGet();
            }
        } catch (IOException closed) {
            // closed when the warm-up ends
        }
    }

    /**
     * Posts messages and reads them back, a few in flight at a time: the round trip a chatting user makes, with
     * enough of them for the per-message code to reach the optimising compiler within the warm-up.
     */
    private void echo(int port, String name) {
        try (WarmUpClient client = WarmUpClient.connect(port, READ_TIMEOUT)) {
            connects.incrementAndGet();
            long sent = 0;
            long back = 0;
            while (true) {
                while (!isOver() && sent - back < ECHO_WINDOW) {
                    String marker = name + "-" + sent++;
                    client.sendText("{\"event\":\"message\",\"data\":{\"room\":\"general\",\"text\":\"warming up "
                            + marker + "\",\"ref\":\"" + marker + "\"}}");
                }
                if (back == sent) {
                    return;
                }
                String frame = client.readText();
                // the message's text ends with its marker; the ack carries it as the ref, after a quote, not a space
                if (frame.startsWith("{\"event\":\"message\"") && frame.contains(" " + name + "-" + back + "\"")) {
                    back++;
                    echoes.incrementAndGet();
                }
            }
        } catch (IOException e) {
            failed(e);
        }
    }

    /** Connects, reads what a newcomer gets up to the member list, and leaves: the room sees each come and go. */
    private void connectAndLeave(int port) {
        while (!isOver()) {
            try (WarmUpClient client = WarmUpClient.connect(port, READ_TIMEOUT)) {
                connects.incrementAndGet();
                while (!client.readText().startsWith("{\"event\":\"activeUsers\"")) {
                    // welcome, then the room's recent history
                }
            } catch (IOException e) {
                failed(e);
                return;
            }
        }
    }

    private boolean isOver() {
        return stopping || System.nanoTime() - deadlineNanos >= 0;
    }

    private synchronized void failed(IOException e) {
        if (!stopping) {
            failures.add(e.toString());
            stopping = true;
        }
    }

    private synchronized Report report(Duration took, int port) {
        return new Report(took, port, echoes.get(), framesReceived.get(), connects.get(), List.copyOf(failures));
    }

    private static Thread start(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
