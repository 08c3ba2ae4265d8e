package dev.chat.app;

import io.javalin.config.JavalinConfig;
import java.time.Duration;

/** What the server needs of a transport: its routes at start, and a goodbye to its clients at stop. */
interface Endpoint {
    void install(JavalinConfig config);

    void shutdown(Duration grace);
}
