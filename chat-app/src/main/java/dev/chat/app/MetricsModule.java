package dev.chat.app;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.chat.domain.port.out.ChatMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Set;

/** Meters in a Prometheus registry, scraped at {@code GET /metrics}. JVM and Jetty binders are bound at start. */
final class MetricsModule extends AbstractModule {
    private static final Set<String> LINT_REJECTED = Set.of("process.cpu.time", "system.cpu.count");

    @Provides
    @Singleton
    PrometheusMeterRegistry prometheus() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // Two binder meters whose Prometheus names promtool's lint rejects; process_cpu_usage and
        // system_cpu_usage say the same.
        registry.config().meterFilter(MeterFilter.deny(id -> LINT_REJECTED.contains(id.getName())));
        return registry;
    }

    @Provides
    MeterRegistry registry(PrometheusMeterRegistry prometheus) {
        return prometheus;
    }

    @Provides
    @Singleton
    ChatMetrics chatMetrics(MeterRegistry registry) {
        return new MicrometerChatMetrics(registry);
    }
}
