package dev.chat.app;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.NotRecovered;
import dev.chat.domain.model.RateLimits;
import dev.chat.domain.port.out.ChatMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The domain's metrics port on Micrometer. Each call touches one or two meters: no lookup, no allocation. */
final class MicrometerChatMetrics implements ChatMetrics {
    private final Counter posted;
    private final Counter deliveries;
    private final Timer deliveryLatency;
    private final Counter presenceFrames;
    private final Counter recovered;
    private final Map<NotRecovered.Reason, Counter> notRecovered = new EnumMap<>(NotRecovered.Reason.class);
    private final Map<RateLimits.Kind, Counter> rateLimited = new EnumMap<>(RateLimits.Kind.class);
    private final Counter endedForAbuse;

    MicrometerChatMetrics(MeterRegistry registry) {
        requireNonNull(registry, "registry");
        posted = Counter.builder("chat_messages_posted")
                .description("Messages stored and published by this node")
                .register(registry);
        deliveries = Counter.builder("chat_deliveries")
                .description("Message frames handed to this node's connections")
                .register(registry);
        deliveryLatency = Timer.builder("chat_delivery_latency")
                .description("From a message's post (any node's clock) to its fan-out on this node")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        presenceFrames = Counter.builder("chat_presence_frames")
                .description("Presence frames (arrivals, departures) handed to this node's connections")
                .register(registry);
        recovered = resumes(registry, "recovered");
        for (NotRecovered.Reason reason : NotRecovered.Reason.values()) {
            notRecovered.put(reason, resumes(registry, reason.wireCode()));
        }
        for (RateLimits.Kind kind : RateLimits.Kind.values()) {
            rateLimited.put(
                    kind,
                    Counter.builder("chat_rate_limited")
                            .description("Commands refused over their session's rate limit")
                            .tag("budget", kind.name().toLowerCase(Locale.ROOT))
                            .register(registry));
        }
        endedForAbuse = Counter.builder("chat_sessions_ended_for_abuse")
                .description("Sessions ended because they kept flooding far over their rate limit")
                .register(registry);
    }

    private static Counter resumes(MeterRegistry registry, String outcome) {
        return Counter.builder("chat_resumes")
                .description("Rooms caught up on resume: recovered exactly, or why not")
                .tag("outcome", outcome)
                .register(registry);
    }

    @Override
    public void messagePosted() {
        posted.increment();
    }

    @Override
    public void delivered(int frames, long postedToDeliveredNanos) {
        deliveries.increment(frames);
        if (postedToDeliveredNanos >= 0) {
            deliveryLatency.record(postedToDeliveredNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void presenceFramesSent(int frames) {
        presenceFrames.increment(frames);
    }

    @Override
    public void resumed(NotRecovered.Reason reasonOrNullIfRecovered) {
        (reasonOrNullIfRecovered == null ? recovered : notRecovered.get(reasonOrNullIfRecovered)).increment();
    }

    @Override
    public void rateLimited(RateLimits.Kind kind, boolean sessionEnded) {
        rateLimited.get(kind).increment();
        if (sessionEnded) {
            endedForAbuse.increment();
        }
    }
}
