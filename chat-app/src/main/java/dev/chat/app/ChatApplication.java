package dev.chat.app;

import com.google.inject.Guice;
import com.google.inject.Module;
import com.google.inject.Stage;
import java.util.List;

/** Builds the service for a configuration: the one place that chooses which modules make it up. */
public final class ChatApplication {
    private ChatApplication() {}

    /** A server ready to {@link ChatServer#start() start}. */
    public static ChatServer create(ChatConfig config) {
        return Guice.createInjector(Stage.PRODUCTION, modules(config)).getInstance(ChatServer.class);
    }

    static List<Module> modules(ChatConfig config) {
        Module store = config.store().isRedis() ? new RedisStoreModule() : new InMemoryStoreModule();
        return List.of(
                new CoreModule(config),
                new MetricsModule(),
                store,
                new WebSocketModule(),
                new HttpSendModule(),
                new SseModule(),
                new PollingModule());
    }
}
