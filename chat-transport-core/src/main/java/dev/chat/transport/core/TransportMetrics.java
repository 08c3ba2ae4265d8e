package dev.chat.transport.core;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.function.Supplier;

/**
 * One transport's meters, tagged {@code transport}. Gauges are read when scraped (open connections, bytes waiting in
 * their queues), so nothing is counted per frame; slow-consumer closes are counted as they happen.
 */
public final class TransportMetrics {
    private final MeterRegistry registry;
    private final String transport;
    private final Counter slowConsumerCloses;

    public TransportMetrics(MeterRegistry registry, String transport) {
        this.registry = requireNonNull(registry, "registry");
        this.transport = requireNonNull(transport, "transport");
        this.slowConsumerCloses = Counter.builder("chat_slow_consumer_closes")
                .description("Connections closed because their outbound queue overflowed")
                .tag("transport", transport)
                .register(registry);
    }

    /** Meters that go nowhere, for tests that build a transport by hand. */
    public static TransportMetrics unregistered(String transport) {
        return new TransportMetrics(new SimpleMeterRegistry(), transport);
    }

    /** Registers the gauges of open connections and of their queued bytes, read at each scrape. */
    public void gauges(Supplier<Number> openConnections, Supplier<Number> queuedBytes) {
        Gauge.builder("chat_connections", openConnections)
                .description("Open client connections (streams, held polling feeds)")
                .tag("transport", transport)
                .register(registry);
        Gauge.builder("chat_outbound_queued_bytes", queuedBytes)
                .description("Outbound bytes waiting in connections' queues, not yet written")
                .baseUnit("bytes")
                .tag("transport", transport)
                .register(registry);
    }

    public void slowConsumerClosed() {
        slowConsumerCloses.increment();
    }
}
