package dev.chat.app;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.ProvidesIntoSet;
import dev.chat.domain.port.out.CommandRates;
import dev.chat.domain.port.out.EventBus;
import dev.chat.domain.port.out.MessageHistory;
import dev.chat.domain.port.out.PresenceStore;
import dev.chat.domain.port.out.RoomEntry;
import dev.chat.domain.port.out.SessionStore;
import dev.chat.relay.SessionRelay;
import dev.chat.store.redis.RedisStores;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;

/** Shared state in Redis (CHAT_REDIS_URL), so several nodes behave as one chat. */
final class RedisStoreModule extends AbstractModule {
    @Provides
    @Singleton
    RedisStores stores(ChatConfig config, MeterRegistry registry) {
        ChatConfig.Store store = config.store();
        return RedisStores.at(
                URI.create(store.redisUrl()),
                new RedisStores.Settings(
                        store.redisNamespace(),
                        config.messaging().historySize(),
                        // A crashed node's clients may resume elsewhere as long as its members stay listed, and then
                        // for the reconnect grace any session gets.
                        store.presenceLease().plus(config.messaging().reconnectGrace()),
                        store.presenceLease(),
                        store.startupWait(),
                        store.redisTimeout()),
                Clock.systemUTC(),
                registry);
    }

    @Provides
    EventBus bus(RedisStores stores) {
        return stores.bus();
    }

    @Provides
    MessageHistory history(RedisStores stores) {
        return stores.history();
    }

    @Provides
    PresenceStore presence(RedisStores stores) {
        return stores.presence();
    }

    @Provides
    RoomEntry entry(RedisStores stores) {
        return stores.entry();
    }

    @Provides
    SessionStore sessions(RedisStores stores) {
        return stores.sessions();
    }

    @Provides
    @Singleton
    CommandRates rates(RedisStores stores, ChatConfig config) {
        return stores.commandRates(config.abuse().rates());
    }

    @Provides
    SessionRelay relay(RedisStores stores) {
        return stores.relay();
    }

    @ProvidesIntoSet
    Readiness.Check redisAnswers(RedisStores stores) {
        return () -> stores.ping() ? Optional.empty() : Optional.of("redis not answering");
    }

    @ProvidesIntoSet
    Managed connections(RedisStores stores) {
        return new Managed() {
            @Override
            public void start() {
                stores.start();
            }

            @Override
            public void stop() {
                stores.close();
            }
        };
    }
}
