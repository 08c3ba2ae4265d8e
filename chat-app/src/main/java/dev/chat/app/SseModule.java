package dev.chat.app;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.ProvidesIntoSet;
import dev.chat.domain.port.in.ChatUseCases;
import dev.chat.domain.port.out.EventEncoder;
import dev.chat.domain.port.out.SessionRelay;
import dev.chat.domain.service.ChatService;
import dev.chat.protocol.CommandDecoder;
import dev.chat.transport.sse.SseSettings;
import dev.chat.transport.sse.SseTransport;
import java.time.Duration;

/** Server-Sent Events at {@code /chat/sse} and HTTP sending at {@code /chat/send}. */
final class SseModule extends AbstractModule {
    private static final Duration RETRY = Duration.ofSeconds(2);

    @Provides
    @Singleton
    SseTransport transport(
            ChatService chat, SessionRelay relay, CommandDecoder decoder, EventEncoder encoder, ChatConfig config) {
        ChatConfig.WebSocket limits = config.websocket();
        return new SseTransport(
                new ChatUseCases(chat, chat, chat, chat),
                relay,
                decoder,
                encoder,
                new SseSettings(
                        "/chat/sse",
                        "/chat/send",
                        limits.maxQueuedBytes(),
                        limits.maxFrameBytes(),
                        limits.pingInterval(),
                        RETRY));
    }

    @ProvidesIntoSet
    Endpoint endpoint(SseTransport transport) {
        return Endpoint.of(transport::install, transport::shutdown);
    }
}
