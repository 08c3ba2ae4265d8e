package dev.chat.relay;

import dev.chat.domain.model.SessionToken;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Carries a request about a session to the node that serves it (its owner) and that node's answer back, so a client's
 * HTTP requests may land on any node without sticky sessions. Requests and answers are text whose format belongs to
 * the topic's handler.
 *
 * <p>A request goes to the owner while that node is alive; it is handled here when this node is the owner, when no
 * live node owns the session (its owner died: handling it here takes it over), or when the session is unknown.
 * Thread-safe.
 */
public interface SessionRelay {
    /**
     * @return the answer of the node that handled the request; fails with the handler's exception, or with a
     *     {@link dev.chat.domain.model.ChatException} ({@code unavailable}) when the owner did not answer in time
     * @throws IllegalStateException when nothing serves the topic
     */
    CompletableFuture<String> ask(SessionToken session, String topic, String request, Duration timeout);

    /** Handles the topic's requests that reach this node; one handler per topic, set before requests arrive. */
    void serve(String topic, Handler handler);

    /** Answers one request; must not block (return a future that completes later instead). */
    @FunctionalInterface
    interface Handler {
        CompletableFuture<String> handle(SessionToken session, String request);
    }
}
