package dev.chat.app;

import dev.chat.store.redis.RedisStores;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the service's hot paths for a while on a private loopback server before the real one opens its port. On a
 * core or two the JIT compiler otherwise takes the CPU from the first clients: a fresh server's echo round trip is
 * twice a warm one's at the median (docs/performance-log.md, "Warm-up at start and runtime defaults"). What runs:
 * WebSocket connects and goodbyes, messages short and long echoed to their senders, and their fan-out (with presence)
 * to a few listeners.
 *
 * <p>The private server is built from the same configuration but has no limits and listens on 127.0.0.1 only, so
 * no client reaches it. A node that keeps its state in Redis warms up against that Redis, so that the Redis adapters
 * are compiled too (a ramp of connects spent a third of its CPU compiling them, docs/performance-log.md), under a
 * namespace of its own that no other node reads: {@code <namespace>-warm-up-<random>}, whose keys are deleted when
 * it ends. If Redis does not answer at once, the warm-up runs in memory. A warm-up that fails only leaves the process
 * less warm: startup goes on.
 */
final class WarmUp {
    private static final Logger log = LoggerFactory.getLogger(WarmUp.class);
    private static final int LISTENERS = 4;
    private static final int ECHOERS = 2;
    /** Messages each echoing client has in flight. */
    private static final int ECHO_WINDOW = 4;
    /** Makes every other warm-up message as long as a sentence or two of chat (see {@link #messageCommand}). */
    private static final String LONG_TEXT_PADDING = "and saying a little more, as people in a chat do. ".repeat(3);

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    /** The shortest warm-up that may end on a quiet compiler: its first windows are all compiling. */
    static final Duration MINIMUM = Duration.ofSeconds(2);
    /** Characters of the node's namespace kept in the warm-up's, which must fit in 64 with its suffix. */
    private static final int NAMESPACE_KEPT = 40;

    /**
     * What the warm-up did, and on which port of 127.0.0.1 (0: none).
     *
     * @param redisNamespace where in Redis it ran, or null if it ran in memory
     * @param redisKeysDeleted how many keys it left there, all deleted at its end (-1 if deleting them failed)
     * @param compilerWentQuiet whether it ended because the compiler was done, before its budget ran out
     */
    record Report(
            Duration took,
            int port,
            long echoes,
            long framesReceived,
            long connects,
            List<String> failures,
            String redisNamespace,
            long redisKeysDeleted,
            boolean compilerWentQuiet) {}

    private final Duration budget;
    /** The JIT compiler's work, or null when the JVM does not tell (the warm-up then runs its whole budget). */
    private final CompilerQuiet compiler;
    /** Set when the traffic starts, before any client thread; brought forward once the compiler is quiet. */
    private volatile long deadlineNanos;
    /** Whether the traffic ended because the compiler had gone quiet, before the budget ran out. */
    private volatile boolean compilerWentQuiet;

    private final AtomicLong echoes = new AtomicLong();
    private final AtomicLong framesReceived = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private final List<String> failures = new ArrayList<>();
    private volatile boolean stopping;

    private WarmUp(Duration budget, CompilerQuiet compiler) {
        this.budget = budget;
        this.compiler = compiler;
    }

    /**
     * Warms up until this JVM's compiler is done with what the traffic runs, for at most {@code config}'s {@code
     * warmUp} duration (nothing when it is zero).
     */
    static Report run(ChatConfig config) {
        return run(config, CompilerQuiet.ofThisJvm());
    }

    /** Warms up until {@code compiler} (null: none) is quiet, for at most {@code config}'s {@code warmUp} duration. */
    static Report run(ChatConfig config, CompilerQuiet compiler) {
        Duration budget = config.operations().warmUp();
        if (budget.isZero()) {
            return new Report(Duration.ZERO, 0, 0, 0, 0, List.of(), null, 0, false);
        }
        log.info(
                "warming up on a private loopback server until the compiler is done, for {} s at most "
                        + "(CHAT_WARMUP_SECONDS)",
                budget.toSeconds());
        long started = System.nanoTime();
        WarmUp warmUp = new WarmUp(budget, compiler);
        String namespace =
                config.store().isRedis() ? privateNamespace(config.store().redisNamespace()) : null;
        PrivateServer server = null;
        int port;
        long keysDeleted = 0;
        try {
            server = startPrivateServer(config, namespace);
            port = server.chat().port();
            warmUp.exercise(port);
        } finally {
            if (server != null) {
                server.chat().stop();
                if (server.onRedis()) {
                    keysDeleted = forget(config.store(), namespace); // once nothing can write there any more
                }
            }
        }
        Report report = warmUp.report(
                Duration.ofNanos(System.nanoTime() - started), port, server.onRedis() ? namespace : null, keysDeleted);
        if (report.failures().isEmpty()) {
            log.info(
                    "warmed up in {} ms ({}): {} messages echoed, {} frames fanned out, {} connects",
                    report.took().toMillis(),
                    report.compilerWentQuiet() ? "the compiler was done" : "CHAT_WARMUP_SECONDS ran out",
                    report.echoes(),
                    report.framesReceived(),
                    report.connects());
        } else {
            log.warn("warm-up cut short ({}); starting anyway", report.failures());
        }
        return report;
    }

    /**
     * The private server, started: on Redis under {@code namespace} if one is given and Redis answers at once, else in
     * memory.
     */
    private static PrivateServer startPrivateServer(ChatConfig config, String namespace) {
        if (namespace != null) {
            ChatServer onRedis = ChatApplication.create(privateConfig(config, namespace));
            try {
                return new PrivateServer(onRedis.start(), true);
            } catch (RuntimeException redisDown) {
                onRedis.stop(); // what did start (stores, scheduler, sockets) is let go
                log.info("warming up in memory: Redis did not answer at once ({})", redisDown.getMessage());
            }
        }
        ChatServer inMemory = ChatApplication.create(privateConfig(config, null));
        try {
            return new PrivateServer(inMemory.start(), false);
        } catch (RuntimeException e) {
            inMemory.stop();
            throw e;
        }
    }

    private record PrivateServer(ChatServer chat, boolean onRedis) {}

    /** A namespace no node uses: the node's own (cut short) with a random suffix. */
    static String privateNamespace(String namespace) {
        String kept = namespace.length() > NAMESPACE_KEPT ? namespace.substring(0, NAMESPACE_KEPT) : namespace;
        return kept + "-warm-up-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Deletes what the warm-up left in Redis; if that fails, says so (the keys are the warm-up's only).
     *
     * @return how many keys were deleted, or -1 if that failed
     */
    private static long forget(ChatConfig.Store store, String namespace) {
        try {
            long deleted = RedisStores.deleteNamespace(URI.create(store.redisUrl()), namespace, store.redisTimeout());
            log.info("deleted the warm-up's {} Redis keys (namespace {})", deleted, namespace);
            return deleted;
        } catch (RuntimeException e) {
            log.warn("could not delete the warm-up's Redis keys (namespace {}): {}", namespace, e.toString());
            return -1;
        }
    }

    /**
     * The private server's configuration: {@code namespace} in the node's Redis (not waiting for it), or in memory when
     * null; loopback only, no limits, no warm-up of its own.
     */
    static ChatConfig privateConfig(ChatConfig config, String namespace) {
        ChatConfig.Store store = config.store();
        ChatConfig.Operations operations = config.operations();
        return config.withServer(new ChatConfig.Server("127.0.0.1", 0, List.of(), Duration.ofSeconds(1)))
                .withStore(new ChatConfig.Store(
                        namespace == null ? null : store.redisUrl(),
                        namespace == null ? store.redisNamespace() : namespace,
                        store.presenceLease(),
                        Duration.ZERO,
                        store.redisTimeout()))
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
            endOnceTheCompilerIsQuiet();
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

    /**
     * Returns once the traffic is over: the budget spent, or brought forward to now because the compiler was quiet
     * through a whole window (at the earliest after {@link #MINIMUM}): what the traffic runs is compiled by then.
     */
    private void endOnceTheCompilerIsQuiet() throws InterruptedException {
        long earliest = System.nanoTime() + MINIMUM.toNanos();
        while (!isOver()) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            Thread.sleep(Math.max(1, Math.min(CompilerQuiet.WINDOW.toMillis(), left)));
            if (compiler == null || isOver()) {
                continue;
            }
            long worked = compiler.endWindow();
            log.debug("the compiler worked {} ms in the last {} ms", worked, CompilerQuiet.WINDOW.toMillis());
            if (CompilerQuiet.isQuiet(worked) && System.nanoTime() - earliest >= 0) {
                compilerWentQuiet = true;
                deadlineNanos = System.nanoTime();
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
                    client.sendText(messageCommand(name, sent++));
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

    /**
     * The {@code n}th message of the echoing client {@code echoer}, for {@code general}; its text ends with the marker
     * {@code echoer-n}, which is also its ref. Every other one is long: its frame is over 125 bytes, so its length
     * takes the extended form, which a short one's does not. A warm-up of only one of the two leaves the frame parser
     * compiled for it alone, and a client's first message of the other sends the parser back to the interpreter while
     * it is recompiled (docs/performance-log.md, "The warm-up's messages in both frame lengths").
     */
    static String messageCommand(String echoer, long n) {
        String marker = echoer + "-" + n;
        String text = "warming up " + (n % 2 == 1 ? LONG_TEXT_PADDING : "") + marker;
        return "{\"event\":\"message\",\"data\":{\"room\":\"general\",\"text\":\"" + text + "\",\"ref\":\"" + marker
                + "\"}}";
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

    private synchronized Report report(Duration took, int port, String redisNamespace, long redisKeysDeleted) {
        return new Report(
                took,
                port,
                echoes.get(),
                framesReceived.get(),
                connects.get(),
                List.copyOf(failures),
                redisNamespace,
                redisKeysDeleted,
                compilerWentQuiet);
    }

    private static Thread start(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
