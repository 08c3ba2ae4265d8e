package dev.chat.app;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.chat.domain.memory.InMemoryEventBus;
import dev.chat.domain.memory.InMemoryMessageHistory;
import dev.chat.domain.memory.InMemoryPresenceStore;
import dev.chat.domain.memory.InMemorySessionRelay;
import dev.chat.domain.memory.InMemorySessionStore;
import dev.chat.domain.port.out.EventBus;
import dev.chat.domain.port.out.MessageHistory;
import dev.chat.domain.port.out.PresenceStore;
import dev.chat.domain.port.out.SessionRelay;
import dev.chat.domain.port.out.SessionStore;

/** Single-node state in memory: the default, needing no other service. */
final class InMemoryStoreModule extends AbstractModule {
    @Provides
    @Singleton
    InMemoryEventBus inMemoryBus() {
        return new InMemoryEventBus();
    }

    @Provides
    EventBus bus(InMemoryEventBus bus) {
        return bus;
    }

    @Provides
    @Singleton
    MessageHistory history(InMemoryEventBus bus, ChatConfig config) {
        return new InMemoryMessageHistory(bus, config.messaging().historySize());
    }

    @Provides
    @Singleton
    PresenceStore presence() {
        return new InMemoryPresenceStore();
    }

    @Provides
    @Singleton
    SessionStore sessions() {
        return new InMemorySessionStore();
    }

    @Provides
    @Singleton
    SessionRelay relay() {
        return new InMemorySessionRelay();
    }
}
