package dev.chat.relay;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.SessionToken;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** Single node only: this node serves every session, so every request is handled here. */
public final class InMemorySessionRelay implements SessionRelay {
    private final ConcurrentHashMap<String, Handler> handlers = new ConcurrentHashMap<>();

    @Override
    public CompletableFuture<String> ask(SessionToken session, String topic, String request, Duration timeout) {
        Handler handler = handlers.get(requireNonNull(topic, "topic"));
        if (handler == null) {
            throw new IllegalStateException("nothing serves relay topic " + topic);
        }
        try {
            return handler.handle(requireNonNull(session, "session"), requireNonNull(request, "request"));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void serve(String topic, Handler handler) {
        if (handlers.putIfAbsent(requireNonNull(topic, "topic"), requireNonNull(handler, "handler")) != null) {
            throw new IllegalStateException("relay topic already served: " + topic);
        }
    }
}
