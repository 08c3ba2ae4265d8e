package dev.chat.app;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.ProvidesIntoSet;
import dev.chat.domain.port.in.ChatUseCases;
import dev.chat.domain.port.out.EventEncoder;
import dev.chat.domain.port.out.SignInVerifier;
import dev.chat.domain.service.ChatService;
import dev.chat.transport.core.Admission;
import dev.chat.transport.core.TransportMetrics;
import dev.chat.transport.sse.SseSettings;
import dev.chat.transport.sse.SseTransport;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;

/** Server-Sent Events at {@code /chat/sse} (commands go through {@link HttpSendModule}). */
final class SseModule extends AbstractModule {
    static final String PATH = "/chat/sse";

    private static final Duration RETRY = Duration.ofSeconds(2);

    @Provides
    @Singleton
    SseTransport transport(
            ChatService chat,
            EventEncoder encoder,
            ChatConfig config,
            MeterRegistry registry,
            Admission admission,
            SignInVerifier signIn) {
        ChatConfig.Connections limits = config.connections();
        return new SseTransport(
                new ChatUseCases(chat, chat, chat, chat),
                encoder,
                new SseSettings(PATH, limits.maxQueuedBytes(), limits.pingInterval(), RETRY),
                new TransportMetrics(registry, "sse"),
                admission,
                signIn);
    }

    @ProvidesIntoSet
    Endpoint endpoint(SseTransport transport) {
        return Endpoint.of(transport::install, transport::shutdown);
    }
}
