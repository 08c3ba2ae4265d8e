package dev.chat.app;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.ProvidesIntoSet;
import dev.chat.domain.memory.InMemoryEventBus;
import dev.chat.domain.memory.InMemoryMessageHistory;
import dev.chat.domain.memory.InMemoryPresenceStore;
import dev.chat.domain.memory.InMemorySessionStore;
import dev.chat.domain.port.out.CommandRates;
import dev.chat.domain.port.out.EventBus;
import dev.chat.domain.port.out.MessageHistory;
import dev.chat.domain.port.out.PresenceStore;
import dev.chat.domain.port.out.RoomEntry;
import dev.chat.domain.port.out.SessionStore;
import dev.chat.relay.InMemorySessionRelay;
import dev.chat.relay.SessionRelay;
import java.time.Clock;

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
    InMemoryMessageHistory inMemoryHistory(InMemoryEventBus bus, ChatConfig config) {
        ChatConfig.Messaging messaging = config.messaging();
        return new InMemoryMessageHistory(bus, messaging.historySize(), messaging.historyMaxBytes(), Clock.systemUTC());
    }

    @Provides
    MessageHistory history(InMemoryMessageHistory history) {
        return history;
    }

    @ProvidesIntoSet
    Managed idleRoomRelease(InMemoryMessageHistory history, PresenceStore presence, ChatConfig config) {
        return new IdleRoomRelease(history, presence, config.messaging().roomIdle());
    }

    @Provides
    @Singleton
    PresenceStore presence() {
        return new InMemoryPresenceStore();
    }

    @Provides
    RoomEntry entry(PresenceStore presence, MessageHistory history, EventBus bus) {
        return RoomEntry.of(presence, history, bus);
    }

    @Provides
    @Singleton
    SessionStore sessions() {
        return new InMemorySessionStore();
    }

    @Provides
    @Singleton
    CommandRates rates(ChatConfig config) {
        return new LocalCommandRates(config.abuse().rates());
    }

    @Provides
    @Singleton
    SessionRelay relay() {
        return new InMemorySessionRelay();
    }
}
