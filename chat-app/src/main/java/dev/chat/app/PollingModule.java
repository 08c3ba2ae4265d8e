package dev.chat.app;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.ProvidesIntoSet;
import dev.chat.domain.port.in.ChatUseCases;
import dev.chat.domain.port.out.EventEncoder;
import dev.chat.domain.port.out.SignInVerifier;
import dev.chat.domain.service.ChatService;
import dev.chat.relay.SessionRelay;
import dev.chat.transport.core.Admission;
import dev.chat.transport.core.TransportMetrics;
import dev.chat.transport.polling.PollingSettings;
import dev.chat.transport.polling.PollingTransport;
import io.micrometer.core.instrument.MeterRegistry;

/** HTTP long-polling at {@code /chat/poll}. */
final class PollingModule extends AbstractModule {
    static final String PATH = "/chat/poll";

    @Provides
    @Singleton
    PollingTransport transport(
            ChatService chat,
            SessionRelay relay,
            EventEncoder encoder,
            ChatConfig config,
            MeterRegistry registry,
            Admission admission,
            SignInVerifier signIn) {
        ChatConfig.Polling polling = config.polling();
        return new PollingTransport(
                new ChatUseCases(chat, chat, chat, chat),
                relay,
                encoder,
                new PollingSettings(
                        PATH,
                        config.connections().maxQueuedBytes(),
                        polling.timeout(),
                        polling.timeout(),
                        polling.idleMargin()),
                new TransportMetrics(registry, "polling"),
                admission,
                signIn);
    }

    @ProvidesIntoSet
    Endpoint endpoint(PollingTransport transport) {
        return Endpoint.of(transport::install, transport::shutdown);
    }
}
