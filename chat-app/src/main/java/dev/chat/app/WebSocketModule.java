package dev.chat.app;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.ProvidesIntoSet;
import dev.chat.domain.port.in.ChatUseCases;
import dev.chat.domain.port.out.EventEncoder;
import dev.chat.domain.port.out.SignInVerifier;
import dev.chat.domain.service.ChatService;
import dev.chat.protocol.CommandDecoder;
import dev.chat.transport.core.AddressGate;
import dev.chat.transport.core.Admission;
import dev.chat.transport.core.OriginPolicy;
import dev.chat.transport.core.TransportMetrics;
import dev.chat.transport.ws.WebSocketSettings;
import dev.chat.transport.ws.WebSocketTransport;
import io.micrometer.core.instrument.MeterRegistry;

/** The WebSocket transport at {@code /chat}. */
final class WebSocketModule extends AbstractModule {
    static final String PATH = "/chat";

    @Provides
    @Singleton
    WebSocketTransport transport(
            ChatService chat,
            CommandDecoder decoder,
            EventEncoder encoder,
            OriginPolicy origins,
            ChatConfig config,
            MeterRegistry registry,
            Admission admission,
            AddressGate addresses,
            SignInVerifier signIn) {
        ChatConfig.Connections ws = config.connections();
        return new WebSocketTransport(
                new ChatUseCases(chat, chat, chat, chat),
                decoder,
                encoder,
                origins,
                new WebSocketSettings(
                        PATH, ws.maxFrameBytes(), ws.maxQueuedBytes(), ws.pingInterval(), ws.idleTimeout()),
                new TransportMetrics(registry, "websocket"),
                admission,
                addresses,
                signIn);
    }

    @ProvidesIntoSet
    Endpoint endpoint(WebSocketTransport transport) {
        return Endpoint.of(transport::install, transport::shutdown);
    }
}
