package dev.chat.transport.sse;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.Heartbeat;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.port.in.ChatUseCases;
import dev.chat.domain.port.out.EventEncoder;
import dev.chat.domain.port.out.SignInVerifier;
import dev.chat.transport.core.Admission;
import dev.chat.transport.core.ClientLink;
import dev.chat.transport.core.Heartbeats;
import dev.chat.transport.core.OpenConnections;
import dev.chat.transport.core.TransportMetrics;
import io.javalin.config.JavalinConfig;
import jakarta.servlet.ServletOutputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/** The chat over Server-Sent Events ({@code GET /chat/sse}); commands go to {@code POST /chat/send}. */
public final class SseTransport {
    private final ChatUseCases useCases;
    private final EventEncoder encoder;
    private final byte[] heartbeatFrame;
    private final SseSettings settings;
    private final TransportMetrics metrics;
    private final Admission admission;
    private final SignInVerifier signIn;
    private final OpenConnections<SseConnection, Stream> streams = new OpenConnections<>();
    // Threads start with the first task, not here.
    private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "sse-housekeeping");
        thread.setDaemon(true);
        return thread;
    });

    /** A stream and its life with the domain. */
    record Stream(SseConnection connection, ClientLink link) {}

    public SseTransport(
            ChatUseCases useCases,
            EventEncoder encoder,
            SseSettings settings,
            TransportMetrics metrics,
            Admission admission,
            SignInVerifier signIn) {
        this.useCases = requireNonNull(useCases, "useCases");
        this.encoder = requireNonNull(encoder, "encoder");
        this.heartbeatFrame = heartbeatFrame(encoder);
        this.settings = requireNonNull(settings, "settings");
        this.metrics = requireNonNull(metrics, "metrics");
        this.admission = requireNonNull(admission, "admission");
        this.signIn = requireNonNull(signIn, "signIn");
    }

    /** Registers the stream servlet; call while the Javalin app is being created. */
    public void install(JavalinConfig config) {
        metrics.gauges(
                streams::size,
                () -> streams.snapshot().stream()
                        .mapToLong(stream -> stream.connection().queuedBytes())
                        .sum());
        config.jetty.modifyServletContextHandler(context -> {
            ServletHolder holder = new ServletHolder("chat-sse", new SseServlet(this));
            holder.setAsyncSupported(true);
            context.addServlet(holder, settings.streamPath());
        });
        config.events.serverStarted(
                () -> Heartbeats.schedule(housekeeping, settings.heartbeatInterval(), this::heartbeat));
    }

    /** Ends every stream (clients reconnect elsewhere and resume). */
    public void shutdown(Duration wait) {
        streams.snapshot().forEach(stream -> stream.connection().close(CloseReason.SHUTDOWN));
        streams.awaitEmpty(wait);
        housekeeping.shutdownNow();
    }

    Stream newStream(ServletOutputStream out) {
        SseConnection connection = new SseConnection(
                out, settings.maxQueuedBytes(), settings.retry().toMillis(), housekeeping, metrics, this::release);
        Stream stream = new Stream(connection, new ClientLink(useCases, connection));
        streams.add(connection, stream);
        return stream;
    }

    /** A stream whose open was refused: it never reached the domain. */
    void forget(Stream stream) {
        streams.remove(stream.connection());
    }

    Admission admission() {
        return admission;
    }

    SignInVerifier signIn() {
        return signIn;
    }

    EventEncoder encoder() {
        return encoder;
    }

    SseSettings settings() {
        return settings;
    }

    /** A heartbeat for the streams of {@code slice} (each gets one per heartbeat interval). */
    private void heartbeat(int slice) {
        for (Stream stream : streams.snapshot()) {
            if (Heartbeats.beatsAt(stream.connection(), slice)) {
                stream.connection().heartbeat(heartbeatFrame);
            }
        }
    }

    /** The heartbeat as an SSE comment plus event; the same for every stream and every beat. */
    private static byte[] heartbeatFrame(EventEncoder encoder) {
        OutboundEvent beat = encoder.encode(Heartbeat.INSTANCE);
        return (":\nevent: " + beat.name() + "\ndata: " + beat.dataJson() + "\n\n").getBytes(UTF_8);
    }

    private void release(SseConnection connection) {
        Stream stream = streams.remove(connection);
        if (stream != null) {
            stream.link().release();
        }
    }
}
