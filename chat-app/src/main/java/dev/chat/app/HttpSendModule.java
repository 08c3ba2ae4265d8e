package dev.chat.app;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.ProvidesIntoSet;
import dev.chat.domain.port.out.EventEncoder;
import dev.chat.domain.service.ChatService;
import dev.chat.protocol.CommandDecoder;
import dev.chat.relay.SessionRelay;
import dev.chat.transport.core.AddressGate;
import dev.chat.transport.core.Commands;
import dev.chat.transport.core.OriginPolicy;
import dev.chat.transport.http.AddressLimitFilter;
import dev.chat.transport.http.OriginFilter;
import dev.chat.transport.http.SendEndpoint;
import dev.chat.transport.http.SessionEndpoint;
import java.util.List;

/**
 * {@code POST /chat/send}: how the one-way transports (SSE, long-polling) send commands; {@code DELETE /chat/session}:
 * how they say goodbye; and the origin rule of every
 * HTTP endpoint a browser page uses (the WebSocket handshake checks it itself).
 */
final class HttpSendModule extends AbstractModule {
    static final String PATH = "/chat/send";
    static final String SESSION_PATH = "/chat/session";

    @Provides
    @Singleton
    SessionEndpoint sessionEndpoint(ChatService chat, SessionRelay relay, EventEncoder encoder) {
        return new SessionEndpoint(chat, relay, encoder, SESSION_PATH);
    }

    @Provides
    @Singleton
    SendEndpoint endpoint(
            ChatService chat,
            SessionRelay relay,
            CommandDecoder decoder,
            EventEncoder encoder,
            ChatConfig config,
            SessionEndpoint sessions) {
        return new SendEndpoint(
                new Commands(chat, decoder, sessions::endForAbuse),
                relay,
                encoder,
                PATH,
                config.connections().maxFrameBytes());
    }

    @ProvidesIntoSet
    Endpoint installed(SendEndpoint endpoint) {
        return Endpoint.of(endpoint::install, grace -> {});
    }

    @ProvidesIntoSet
    Endpoint sessionEnding(SessionEndpoint endpoint) {
        return Endpoint.of(endpoint::install, grace -> {});
    }

    @ProvidesIntoSet
    Endpoint addressLimited(AddressGate addresses) {
        return Endpoint.of(
                javalin -> AddressLimitFilter.install(
                        javalin, addresses, List.of(SseModule.PATH, PollingModule.PATH), "session"),
                grace -> {});
    }

    @ProvidesIntoSet
    Endpoint originChecked(OriginPolicy origins) {
        return Endpoint.of(
                javalin -> OriginFilter.install(
                        javalin, origins, List.of(SseModule.PATH, PollingModule.PATH, PATH, SESSION_PATH)),
                grace -> {});
    }
}
