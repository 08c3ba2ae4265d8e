package dev.chat.transport.sse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.Heartbeat;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.port.in.ChatUseCases;
import dev.chat.domain.port.out.EventEncoder;
import dev.chat.domain.port.out.SessionRelay;
import dev.chat.protocol.CommandDecoder;
import dev.chat.protocol.OpenConnections;
import io.javalin.config.JavalinConfig;
import jakarta.servlet.ServletOutputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The chat over Server-Sent Events ({@code GET /chat/sse}) plus HTTP sending ({@code POST /chat/send}). */
public final class SseTransport {
    private static final Logger log = LoggerFactory.getLogger(SseTransport.class);

    private final ChatUseCases useCases;
    private final SessionRelay relay;
    private final CommandDecoder decoder;
    private final EventEncoder encoder;
    private final SseSettings settings;
    private final OpenConnections<SseConnection, SseConnection> streams = new OpenConnections<>();
    // Threads start with the first task, not here.
    private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "sse-housekeeping");
        thread.setDaemon(true);
        return thread;
    });

    public SseTransport(
            ChatUseCases useCases,
            SessionRelay relay,
            CommandDecoder decoder,
            EventEncoder encoder,
            SseSettings settings) {
        this.useCases = requireNonNull(useCases, "useCases");
        this.relay = requireNonNull(relay, "relay");
        this.decoder = requireNonNull(decoder, "decoder");
        this.encoder = requireNonNull(encoder, "encoder");
        this.settings = requireNonNull(settings, "settings");
    }

    /** Registers the stream servlet and the send route; call while the Javalin app is being created. */
    public void install(JavalinConfig config) {
        SendEndpoint send = new SendEndpoint(useCases.commands(), relay, decoder, encoder, settings.maxBodyBytes());
        config.routes.post(settings.sendPath(), send::handle);
        relay.serve(SendEndpoint.RELAY_TOPIC, send::handleRelayed);
        config.jetty.modifyServletContextHandler(context -> {
            ServletHolder holder = new ServletHolder("chat-sse", new SseServlet(this));
            holder.setAsyncSupported(true);
            context.addServlet(holder, settings.streamPath());
        });
        config.events.serverStarted(() -> {
            long every = settings.heartbeatInterval().toMillis();
            housekeeping.scheduleAtFixedRate(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
        });
    }

    /** Ends every stream (clients reconnect elsewhere and resume). */
    public void shutdown(Duration wait) {
        streams.snapshot().forEach(stream -> stream.close(CloseReason.SHUTDOWN));
        streams.awaitEmpty(wait);
        housekeeping.shutdownNow();
    }

    SseConnection newConnection(ServletOutputStream out) {
        SseConnection connection = new SseConnection(out, settings.maxQueuedBytes(), housekeeping, this::release);
        streams.add(connection, connection);
        return connection;
    }

    void forget(SseConnection connection) {
        streams.remove(connection);
    }

    ChatUseCases useCases() {
        return useCases;
    }

    EventEncoder encoder() {
        return encoder;
    }

    SseSettings settings() {
        return settings;
    }

    private void heartbeat() {
        OutboundEvent beat = encoder.encode(Heartbeat.INSTANCE);
        byte[] frame = (":\nevent: " + beat.name() + "\ndata: " + beat.dataJson() + "\n\n").getBytes(UTF_8);
        streams.snapshot().forEach(stream -> stream.heartbeat(frame));
    }

    private void release(SseConnection connection) {
        if (streams.remove(connection) != null && connection.token() != null) {
            try {
                useCases.disconnect().disconnect(connection.token(), connection);
            } catch (RuntimeException e) {
                log.error("disconnect after stream end failed", e);
            }
        }
    }
}
