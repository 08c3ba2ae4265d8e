package dev.chat.app;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.SessionToken;
import dev.chat.domain.service.ChatService;
import dev.chat.transport.core.Admission;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jetty.JettyConnectionMetrics;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running service: one Javalin (Jetty) server carrying every transport. Sockets open in start, close in stop. */
public final class ChatServer {
    private static final Logger log = LoggerFactory.getLogger(ChatServer.class);
    /** How long stopping waits for requests already on the wire to be answered before it closes their connections. */
    private static final Duration REQUESTS_FINISH_TIMEOUT = Duration.ofSeconds(1);

    /** How long stopping leaves a connection that sends nothing (an idle keep-alive) before closing it. */
    private static final Duration IDLE_CLOSE_WHEN_STOPPING = Duration.ofMillis(250);
    /**
     * Connections the kernel completes and queues while the acceptor is busy (the listen backlog; Linux caps it at
     * {@code net.core.somaxconn}, 4096 by default). The JVM's default of 50 dropped the SYNs of a burst of 200
     * connects, whose clients waited a second to try again (docs/performance-log.md, "The listen backlog").
     */
    static final int ACCEPT_BACKLOG = 4096;
    /** Threads serving open connections and requests: Javalin's default maximum. */
    private static final int SERVING_THREADS = 250;
    /** Threads the pool keeps however idle it is. */
    static final int KEPT_THREADS = 8;
    /** How long a thread beyond those kept may stay idle before it is retired. */
    static final Duration IDLE_THREAD_RETIRED = Duration.ofSeconds(2);

    /** How long a drain keeps trying to hand off what the store refused during the window. */
    private static final Duration HAND_OFF_RETRIES = Duration.ofSeconds(2);

    private final ChatConfig config;
    private final Set<Endpoint> endpoints;
    private final ChatService chat;
    private final ExecutorScheduler scheduler;
    private final Set<Managed> managed;
    private final Readiness readiness;
    private final PrometheusMeterRegistry metrics;
    private final Admission admission;
    private Javalin app;
    /** Listens to the JVM's collectors until stopped: a stopped server (the warm-up's) must not stay reachable. */
    private JvmGcMetrics gcMetrics;

    ChatServer(
            ChatConfig config,
            Set<Endpoint> endpoints,
            ChatService chat,
            ExecutorScheduler scheduler,
            Set<Managed> managed,
            Readiness readiness,
            PrometheusMeterRegistry metrics,
            Admission admission) {
        this.config = requireNonNull(config, "config");
        this.endpoints = Set.copyOf(endpoints);
        this.chat = requireNonNull(chat, "chat");
        this.scheduler = requireNonNull(scheduler, "scheduler");
        this.managed = Set.copyOf(managed);
        this.readiness = requireNonNull(readiness, "readiness");
        this.metrics = requireNonNull(metrics, "metrics");
        this.admission = requireNonNull(admission, "admission");
    }

    public synchronized ChatServer start() {
        if (app != null) {
            throw new IllegalStateException("already started");
        }
        managed.forEach(Managed::start);
        app = Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            javalin.startup.showOldJavalinVersionWarning = false;
            // Jetty caches header fields per keep-alive connection: ~100 KB each once a second request arrives,
            // which every long-polling client sends. Chat requests carry few, small headers: no cache.
            javalin.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheSize(0));
            javalin.jetty.threadPool = serverThreads();
            javalin.jetty.addConnector((server, http) -> connector(
                    server, http, config.server().host(), config.server().port()));
            javalin.staticFiles.add(
                    files -> { // the web page and chat-client.js
                        files.hostedPath = "/";
                        files.directory = "/public";
                        files.location = Location.CLASSPATH;
                        files.headers = PageHeaders.ALL;
                    });
            endpoints.forEach(endpoint -> endpoint.install(javalin));
            javalin.routes.get(
                    "/health",
                    ctx -> ctx.contentType("application/json")
                            .result("{\"status\":\"ok\",\"sessions\":" + chat.localSessionCount() + "}"));
            javalin.routes.get("/ready", this::ready);
            javalin.routes.get(
                    "/metrics",
                    ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                            .result(metrics.scrape()));
        });
        app.start();
        for (Connector connector : app.jettyServer().server().getConnectors()) {
            if (connector instanceof AbstractConnector stoppable) {
                stoppable.setShutdownIdleTimeout(IDLE_CLOSE_WHEN_STOPPING.toMillis());
            }
        }
        bindServerMeters(app.jettyServer().server());
        readiness.serving();
        log.info("chat listening on {}:{}", config.server().host(), app.port());
        return this;
    }

    /**
     * Javalin's default pool (250 threads at most, 8 kept), plus one thread for each connect that may wait its turn to
     * be opened: a waiting connect is parked on its thread, and must never take one the open connections need. A burst
     * of connects (a reconnect storm, a crowd joining) grows the pool by up to a few hundred threads, about 100 KB of
     * stack each; they are all retired after {@link #IDLE_THREAD_RETIRED} of idleness, where Jetty's default would
     * retire one a minute and keep a burst's threads for hours.
     */
    static QueuedThreadPool serverThreads() {
        int maxThreads = SERVING_THREADS + Admission.MAX_WAITING;
        QueuedThreadPool pool = new QueuedThreadPool(maxThreads, KEPT_THREADS, (int) IDLE_THREAD_RETIRED.toMillis());
        pool.setMaxEvictCount(maxThreads);
        pool.setName("JettyServerThreadPool");
        return pool;
    }

    /** The connector clients reach: HTTP/1.1 on {@code host:port}, with a listen backlog a burst of connects fits in. */
    static ServerConnector connector(Server server, HttpConfiguration http, String host, int port) {
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(host);
        connector.setPort(port);
        connector.setAcceptQueueSize(ACCEPT_BACKLOG);
        return connector;
    }

    /** 200 while this node accepts clients; 503 with the reasons (starting, draining, Redis not answering). */
    private void ready(Context ctx) {
        List<String> problems = readiness.problems();
        ctx.contentType("application/json");
        if (problems.isEmpty()) {
            ctx.result("{\"status\":\"ready\"}");
        } else {
            ctx.status(503).result("{\"status\":\"unready\",\"reasons\":[\"" + String.join("\",\"", problems) + "\"]}");
        }
    }

    /** The JVM's and Jetty's own meters, beside the chat's. */
    private void bindServerMeters(Server server) {
        new JvmMemoryMetrics().bindTo(metrics);
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ClassLoaderMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        new UptimeMetrics().bindTo(metrics);
        new FileDescriptorMetrics().bindTo(metrics);
        new JettyServerThreadPoolMetrics(server.getThreadPool(), Tags.empty()).bindTo(metrics);
        JettyConnectionMetrics.addToAllConnectors(server, metrics);
        Gauge.builder("chat_sessions", chat, ChatService::localSessionCount)
                .description("Sessions this node serves, connected or within their reconnect grace")
                .register(metrics);
        Gauge.builder("chat_rooms", chat, ChatService::localRoomCount)
                .description("Rooms with members connected to this node")
                .register(metrics);
    }

    /** The port actually bound (useful when configured as 0). */
    public synchronized int port() {
        if (app == null) {
            throw new IllegalStateException("not started");
        }
        return app.port();
    }

    /**
     * Moves this node's clients elsewhere without a storm, then stops (what SIGTERM does): the node turns unready at
     * once; after {@code drainAccept} (time for balancers to notice) it takes no new connections (503 with
     * {@code Retry-After}); its sessions are handed to other nodes one by one, spread evenly over {@code drain}
     * (WebSocket 1012, SSE {@code close} {@code restart}, polls {@code "closed":"restart"}), so clients reconnect
     * elsewhere a few at a time and resume with nothing lost and no departure seen; then it stops.
     */
    public void drainAndStop() {
        ChatConfig.Operations operations = config.operations();
        synchronized (this) {
            if (app == null) {
                return;
            }
            readiness.draining();
        }
        log.info(
                "draining: unready now, new connections refused in {} s",
                operations.drainAccept().toSeconds());
        pause(operations.drainAccept());
        admission.closeDoors(operations.drain().plus(Duration.ofSeconds(1)));
        chat.closeToNewSessions(); // also resumes already past the doors, and relayed ones
        List<SessionToken> sessions = chat.localSessionTokens();
        log.info(
                "draining: handing {} sessions to other nodes over {} s",
                sessions.size(),
                operations.drain().toSeconds());
        long start = System.nanoTime();
        for (int i = 0; i < sessions.size(); i++) {
            long due = start + operations.drain().toNanos() * i / sessions.size();
            pause(Duration.ofNanos(due - System.nanoTime()));
            handOff(sessions.get(i));
        }
        // What the store refused, and a connect or resume already under way when the doors closed: again, briefly.
        long deadline = System.nanoTime() + HAND_OFF_RETRIES.toNanos();
        List<SessionToken> left = chat.localSessionTokens();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            log.info("draining: handing {} remaining sessions off", left.size());
            left.forEach(this::handOff);
            left = chat.localSessionTokens();
            if (!left.isEmpty()) {
                pause(Duration.ofMillis(100));
            }
        }
        if (!left.isEmpty()) {
            log.warn("draining: {} sessions could not be handed off; they move when their lease ends", left.size());
        }
        stop();
    }

    private void handOff(SessionToken session) {
        try {
            chat.handOff(session);
        } catch (RuntimeException e) {
            log.warn("handing a session off failed: {}", e.toString());
        }
    }

    private static void pause(Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            return;
        }
        try {
            Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Closes the listening socket (a balancer's next connection goes to another node) and lets the requests already
     * on the wire be answered before their connections close: one cut off between its request line and its last
     * header got Jetty's "500 EofException" page, which a balancer passes on instead of trying another node. Idle
     * connections close within {@link #IDLE_CLOSE_WHEN_STOPPING}; one still open after the wait is closed by the stop.
     */
    private void finishRequestsOnTheWire() {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (Connector connector : app.jettyServer().server().getConnectors()) {
            closing.add(connector.shutdown());
        }
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                    .get(REQUESTS_FINISH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException stillOpen) {
            log.info("stopping: connections still open after {} ms are closed now", REQUESTS_FINISH_TIMEOUT.toMillis());
        } catch (ExecutionException e) {
            log.warn("stopping: waiting for requests on the wire failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Tells every client the node is going away, then stops the server. Safe to call twice. */
    public synchronized void stop() {
        if (app == null) {
            return;
        }
        readiness.draining();
        log.info("stopping: closing client connections");
        endpoints.forEach(endpoint -> endpoint.shutdown(config.server().shutdownGrace()));
        finishRequestsOnTheWire();
        app.stop();
        managed.forEach(Managed::stop);
        scheduler.close();
        if (gcMetrics != null) { // null when the start failed before the meters were bound
            gcMetrics.close();
        }
        app = null;
        log.info("stopped");
    }
}
