package dev.chat.app;

import io.javalin.config.JavalinConfig;
import java.time.Duration;
import java.util.function.Consumer;

/** What the server needs of a transport: its routes at start, and a goodbye to its clients at stop. */
interface Endpoint {
    void install(JavalinConfig config);

    void shutdown(Duration grace);

    static Endpoint of(Consumer<JavalinConfig> install, Consumer<Duration> shutdown) {
        return new Endpoint() {
            @Override
            public void install(JavalinConfig config) {
                install.accept(config);
            }

            @Override
            public void shutdown(Duration grace) {
                shutdown.accept(grace);
            }
        };
    }
}
