package dev.chat.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the chat service; SIGTERM (or Ctrl-C) closes client connections with 1001 and stops cleanly.
 *
 * <p>With {@value #WARM_UP_ONLY} it runs the warm-up alone and exits, never opening its port: a training run for a
 * JVM that records what the warm-up loaded and profiled into an ahead-of-time cache (JDK 25's {@code
 * -XX:AOTCacheOutput}, as the Dockerfile does), which later starts then use.
 */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);
    static final String WARM_UP_ONLY = "--warm-up-only";

    private Main() {}

    public static void main(String[] args) {
        boolean warmUpOnly = args.length == 1 && args[0].equals(WARM_UP_ONLY);
        if (args.length > 0 && !warmUpOnly) {
            log.error(
                    "unknown arguments {}: the service takes none, or {} alone", String.join(" ", args), WARM_UP_ONLY);
            System.exit(2);
            return;
        }
        ChatConfig config;
        try {
            config = ChatConfigLoader.load(System.getenv(), System.getProperties());
        } catch (IllegalArgumentException e) {
            log.error("invalid configuration: {}", e.getMessage());
            System.exit(2);
            return;
        }
        if (warmUpOnly) {
            System.exit(warmUpAlone(config));
            return;
        }
        try {
            WarmUp.run(config);
        } catch (RuntimeException e) {
            log.warn("warm-up failed; starting anyway", e);
        }
        try {
            ThreadPriority.lowerCompiler(config.operations().compilerNice());
        } catch (RuntimeException e) {
            log.warn("could not lower the compiler's priority; starting anyway", e);
        }
        ChatServer server = ChatApplication.create(config);
        try {
            server.start();
        } catch (RuntimeException e) {
            log.error("could not start", e);
            System.exit(1);
        }
        try {
            ThreadPriority.lowerOpenings(config.operations().openingNice());
        } catch (RuntimeException e) {
            log.warn("could not lower the opening thread's priority; serving anyway", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::drainAndStop, "chat-drain"));
    }

    /** The exit status of a warm-up run alone: 0 if it ran and nothing failed, so a training step can rely on it. */
    private static int warmUpAlone(ChatConfig config) {
        try {
            WarmUp.Report report = WarmUp.run(config);
            if (report.echoes() == 0 || !report.failures().isEmpty()) {
                log.error("the warm-up ran no traffic or failed: {}", report.failures());
                return 1;
            }
            return 0;
        } catch (RuntimeException e) {
            log.error("the warm-up failed", e);
            return 1;
        }
    }
}
