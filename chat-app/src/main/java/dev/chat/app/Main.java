package dev.chat.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the chat service; SIGTERM (or Ctrl-C) closes client connections with 1001 and stops cleanly. */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) {
        ChatConfig config;
        try {
            config = ChatConfigLoader.load(System.getenv(), System.getProperties());
        } catch (IllegalArgumentException e) {
            log.error("invalid configuration: {}", e.getMessage());
            System.exit(2);
            return;
        }
        try {
            WarmUp.run(config);
        } catch (RuntimeException e) {
            log.warn("warm-up failed; starting anyway", e);
        }
        ChatServer server = ChatApplication.create(config);
        try {
            server.start();
        } catch (RuntimeException e) {
            log.error("could not start", e);
            System.exit(1);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::drainAndStop, "chat-drain"));
    }
}
