package dev.chat.store.redis;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.SessionToken;
import dev.chat.relay.SessionRelay;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays requests over the nodes' channels: the asking node publishes {@link NodeMessage.Ask} on the owner's channel
 * and the owner publishes its {@link NodeMessage.Answer} on the asker's. {@code PUBLISH} says how many subscribers got
 * the request; none means the owner is gone (its channel dies with its subscriber connection), and the request is
 * handled here instead.
 */
final class RedisSessionRelay implements SessionRelay {
    private static final Logger log = LoggerFactory.getLogger(RedisSessionRelay.class);

    private final RedisSessionStore sessions;
    private final RedisCalls calls;
    private final Counter relayed;
    private final Counter timedOut;
    private final NodeMessage.Sender sender;
    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<String>> pending = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();

    RedisSessionRelay(RedisSessionStore sessions, RedisCalls calls, NodeMessage.Sender sender, MeterRegistry registry) {
        this.relayed = Counter.builder("chat_relay_requests")
                .description("Requests relayed to the node that serves their session")
                .register(registry);
        this.timedOut = Counter.builder("chat_relay_timeouts")
                .description("Relayed requests the serving node did not answer in time")
                .register(registry);
        this.sessions = requireNonNull(sessions, "sessions");
        this.calls = requireNonNull(calls, "calls");
        this.sender = requireNonNull(sender, "sender");
    }

    @Override
    public CompletableFuture<String> ask(SessionToken session, String topic, String request, Duration timeout) {
        requireNonNull(session, "session");
        requireNonNull(request, "request");
        requireNonNull(timeout, "timeout");
        Handler local = handler(topic);
        try {
            Optional<String> owner = sessions.ownerNode(session);
            if (owner.isEmpty() || owner.get().equals(sessions.nodeId())) {
                return handleHere(local, session, request);
            }
            String id = sessions.nodeId() + "." + requests.incrementAndGet();
            CompletableFuture<String> answer = new CompletableFuture<>();
            pending.put(id, answer);
            long receivers = calls.call(() -> sender.send(
                    owner.get(), new NodeMessage.Ask(id, sessions.nodeId(), topic, session.value(), request)));
            if (receivers == 0) {
                pending.remove(id);
                return handleHere(local, session, request); // the owner is gone: this node takes the session over
            }
            relayed.increment();
            return answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).handle((body, failure) -> {
                pending.remove(id);
                if (failure == null) {
                    return body;
                }
                if (failure instanceof TimeoutException) {
                    timedOut.increment();
                }
                throw new CompletionException(asChatException(failure));
            });
        } catch (ChatException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void serve(String topic, Handler handler) {
        if (handlers.putIfAbsent(requireNonNull(topic, "topic"), requireNonNull(handler, "handler")) != null) {
            throw new IllegalStateException("relay topic already served: " + topic);
        }
    }

    /** A request from another node, for a session this node owns (or owned until just now). */
    void onAsk(NodeMessage.Ask ask) {
        CompletableFuture<String> answer;
        try {
            answer = handleHere(handler(ask.topic()), new SessionToken(ask.session()), ask.body());
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((body, failure) -> {
            NodeMessage reply;
            if (failure == null) {
                reply = new NodeMessage.Answer(ask.id(), body);
            } else {
                ChatException refusal = asChatException(failure);
                reply = new NodeMessage.Failed(ask.id(), refusal.code().wireCode(), refusal.getMessage());
            }
            try {
                sender.send(ask.from(), reply);
            } catch (RuntimeException e) {
                log.warn("could not answer a relayed {} request ({}); the asker times out", ask.topic(), e.toString());
            }
        });
    }

    void onAnswer(NodeMessage.Answer answer) {
        CompletableFuture<String> waiting = pending.remove(answer.id());
        if (waiting != null) {
            waiting.complete(answer.body());
        }
    }

    void onFailed(NodeMessage.Failed failed) {
        CompletableFuture<String> waiting = pending.remove(failed.id());
        if (waiting != null) {
            waiting.completeExceptionally(new ChatException(codeOf(failed.code()), failed.message()));
        }
    }

    /** Fails every request still waiting: the node is going away. */
    void close() {
        pending.values()
                .forEach(waiting -> waiting.completeExceptionally(
                        new ChatException(ErrorCode.UNAVAILABLE, "this node is shutting down")));
        pending.clear();
    }

    private static CompletableFuture<String> handleHere(Handler handler, SessionToken session, String request) {
        try {
            return handler.handle(session, request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private Handler handler(String topic) {
        Handler handler = handlers.get(requireNonNull(topic, "topic"));
        if (handler == null) {
            throw new IllegalStateException("nothing serves relay topic " + topic);
        }
        return handler;
    }

    private static ChatException asChatException(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof ChatException chat) {
            return chat;
        }
        if (cause instanceof TimeoutException) {
            return new ChatException(ErrorCode.UNAVAILABLE, "the node serving this session did not answer in time");
        }
        log.error("relayed request failed", cause);
        return new ChatException(ErrorCode.INTERNAL, "internal error");
    }

    private static ErrorCode codeOf(String wireCode) {
        for (ErrorCode code : ErrorCode.values()) {
            if (code.wireCode().equals(wireCode)) {
                return code;
            }
        }
        return ErrorCode.INTERNAL;
    }
}
