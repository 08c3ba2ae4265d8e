package dev.chat.app;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.service.ChatService;
import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running service: one Javalin (Jetty) server carrying every transport. Sockets open in start, close in stop. */
public final class ChatServer {
    private static final Logger log = LoggerFactory.getLogger(ChatServer.class);

    private final ChatConfig config;
    private final Set<Endpoint> endpoints;
    private final ChatService chat;
    private final ExecutorScheduler scheduler;
    private final Set<Managed> managed;
    private Javalin app;

    ChatServer(
            ChatConfig config,
            Set<Endpoint> endpoints,
            ChatService chat,
            ExecutorScheduler scheduler,
            Set<Managed> managed) {
        this.config = requireNonNull(config, "config");
        this.endpoints = Set.copyOf(endpoints);
        this.chat = requireNonNull(chat, "chat");
        this.scheduler = requireNonNull(scheduler, "scheduler");
        this.managed = Set.copyOf(managed);
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
            javalin.staticFiles.add("/public", Location.CLASSPATH); // the web page and chat-client.js
            endpoints.forEach(endpoint -> endpoint.install(javalin));
            javalin.routes.get(
                    "/health",
                    ctx -> ctx.contentType("application/json")
                            .result("{\"status\":\"ok\",\"sessions\":" + chat.localSessionCount() + "}"));
        });
        app.start(config.server().host(), config.server().port());
        log.info("chat listening on {}:{}", config.server().host(), app.port());
        return this;
    }

    /** The port actually bound (useful when configured as 0). */
    public synchronized int port() {
        if (app == null) {
            throw new IllegalStateException("not started");
        }
        return app.port();
    }

    /** Tells every client the node is going away, then stops the server. Safe to call twice. */
    public synchronized void stop() {
        if (app == null) {
            return;
        }
        log.info("stopping: closing client connections");
        endpoints.forEach(endpoint -> endpoint.shutdown(config.server().shutdownGrace()));
        app.stop();
        managed.forEach(Managed::stop);
        scheduler.close();
        app = null;
        log.info("stopped");
    }
}
