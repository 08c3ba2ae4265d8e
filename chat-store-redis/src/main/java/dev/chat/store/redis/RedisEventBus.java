package dev.chat.store.redis;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.RoomEvent;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.port.out.EventBus;
import dev.chat.domain.port.out.Subscription;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Room events across nodes over Redis pub/sub, one channel per room, and only for rooms this node has subscribers
 * in. Publishing uses the shared connection pool; receiving uses one dedicated connection read by one thread, so a
 * room's events reach listeners in publish order. The same connection carries this node's own channel, on which other
 * nodes reach it (takeover notices, relayed requests), first: once it is subscribed, the connection listens. Pub/sub is at-most-once: after the subscriber connection drops and
 * comes back, each room is back-filled from its message stream since the last message delivered, so connected
 * clients lose nothing; presence events of the gap are not replayed (clients re-sync presence by snapshot).
 */
final class RedisEventBus implements EventBus, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisEventBus.class);
    private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration RECONNECT_DELAY = Duration.ofMillis(200);

    private final UnifiedJedis redis;
    private final URI subscriberUri;
    private final RedisKeys keys;
    private final RoomEventCodec codec;
    private final String nodeChannel;
    private final Consumer<String> nodeMessages;
    private final Runnable afterReconnect;
    private final Map<RoomName, List<Consumer<RoomEvent>>> listeners = new ConcurrentHashMap<>();
    private final Map<RoomName, Long> lastDeliveredSeq = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> pendingSubscribes = new ConcurrentHashMap<>();
    private volatile Receiver receiver;
    private volatile CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile boolean closed;
    /** Set once the first subscriber connection listened: every later one is a reconnect, which back-fills. */
    private volatile boolean connectedBefore;

    private final AtomicInteger reconnects = new AtomicInteger();

    private Thread thread;

    /**
     * @param nodeId names this node's channel, whose messages go to {@code nodeMessages} (on the subscriber thread)
     * @param afterReconnect runs after the subscriber connection came back and the rooms were back-filled: what was
     *     published on the node channel meanwhile is lost
     */
    RedisEventBus(
            UnifiedJedis redis,
            URI subscriberUri,
            RedisKeys keys,
            RoomEventCodec codec,
            String nodeId,
            Consumer<String> nodeMessages,
            Runnable afterReconnect) {
        this.redis = requireNonNull(redis, "redis");
        this.subscriberUri = requireNonNull(subscriberUri, "subscriberUri");
        this.keys = requireNonNull(keys, "keys");
        this.codec = requireNonNull(codec, "codec");
        this.nodeChannel = keys.nodeChannel(nodeId);
        this.nodeMessages = requireNonNull(nodeMessages, "nodeMessages");
        this.afterReconnect = requireNonNull(afterReconnect, "afterReconnect");
    }

    /** Opens the subscriber connection and its thread; returns once it listens. */
    synchronized void start() {
        if (thread != null) {
            return;
        }
        thread = new Thread(this::receiveUntilClosed, "redis-subscriber");
        thread.setDaemon(true);
        thread.start();
        ready.orTimeout(SUBSCRIBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    @Override
    public void publish(RoomEvent event) {
        String payload = event instanceof ChatMessage message ? codec.message(message) : codec.presence(event);
        Unavailable.guard(() -> redis.publish(keys.channel(event.room()), payload));
    }

    @Override
    public Subscription subscribe(RoomName room, Consumer<RoomEvent> listener) {
        requireNonNull(listener, "listener");
        boolean[] first = {false};
        listeners.compute(room, (name, list) -> {
            List<Consumer<RoomEvent>> target = list != null ? list : new CopyOnWriteArrayList<>();
            first[0] = target.isEmpty();
            target.add(listener);
            return target;
        });
        if (first[0]) {
            String channel = keys.channel(room);
            CompletableFuture<Void> confirmed =
                    pendingSubscribes.computeIfAbsent(channel, c -> new CompletableFuture<>());
            ready.orTimeout(SUBSCRIBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
            try {
                receiver.subscribe(channel);
            } catch (RuntimeException reconnecting) {
                // the connection is being replaced: the new one subscribes every room with listeners
            }
            confirmed
                    .orTimeout(SUBSCRIBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .join();
        }
        return () -> unsubscribe(room, listener);
    }

    /** How often the subscriber connection came back after being lost. */
    int reconnects() {
        return reconnects.get();
    }

    @Override
    public void close() {
        closed = true;
        Receiver current = receiver;
        if (current != null && current.isSubscribed()) {
            current.unsubscribe();
        }
    }

    private void unsubscribe(RoomName room, Consumer<RoomEvent> listener) {
        boolean[] last = {false};
        listeners.computeIfPresent(room, (name, list) -> {
            list.remove(listener);
            last[0] = list.isEmpty();
            return list.isEmpty() ? null : list;
        });
        if (last[0]) {
            lastDeliveredSeq.remove(room);
            Receiver current = receiver;
            if (current != null && current.isSubscribed()) {
                current.unsubscribe(keys.channel(room));
            }
        }
    }

    private void receiveUntilClosed() {
        while (!closed) {
            try (Jedis connection = new Jedis(subscriberUri)) {
                Receiver fresh = new Receiver();
                receiver = fresh;
                String[] channels =
                        listeners.keySet().stream().map(keys::channel).toArray(String[]::new);
                String[] all = new String[channels.length + 1];
                all[0] = nodeChannel;
                System.arraycopy(channels, 0, all, 1, channels.length);
                connection.subscribe(fresh, all); // blocks until unsubscribed or the connection drops
            } catch (RuntimeException e) {
                if (!closed) {
                    if (ready.isDone()) {
                        log.warn("Redis subscriber connection lost ({}); reconnecting", e.toString());
                        ready = new CompletableFuture<>();
                    } else {
                        log.debug("Redis subscriber still reconnecting: {}", e.toString());
                    }
                    pause();
                }
            }
        }
    }

    private void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(RECONNECT_DELAY.toMillis()); // reconnect back-off on the subscriber thread
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** After a reconnect: the messages each room had while nobody here listened, before any newer live event. */
    private void backfill() {
        for (RoomName room : listeners.keySet()) {
            Long last = lastDeliveredSeq.get(room);
            if (last == null) {
                continue;
            }
            String current = redis.get(keys.seq(room));
            if (current == null || Long.parseLong(current) < last) {
                last = 0L; // Redis lost the room's data: its seqs start again (clients see the new epoch)
                lastDeliveredSeq.put(room, 0L);
            }
            for (StreamEntry entry :
                    redis.xrange(keys.log(room), new StreamEntryID(last + 1, 0), (StreamEntryID) null)) {
                deliver(room, codec.decode(entry.getFields().get("e")));
            }
        }
    }

    private void deliver(RoomName room, RoomEvent event) {
        if (event instanceof ChatMessage message) {
            Long last = lastDeliveredSeq.get(room);
            if (last != null && message.seq() <= last) {
                return; // already delivered (back-fill and live overlap)
            }
            lastDeliveredSeq.put(room, message.seq());
        }
        for (Consumer<RoomEvent> listener : listeners.getOrDefault(room, List.of())) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                log.error("room event listener failed", e);
            }
        }
    }

    private final class Receiver extends JedisPubSub {
        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
            if (channel.equals(nodeChannel)) {
                if (connectedBefore) {
                    reconnects.incrementAndGet();
                    backfill();
                    log.info("Redis subscriber reconnected; rooms back-filled");
                    afterReconnect.run();
                }
                connectedBefore = true;
                ready.complete(null);
                return;
            }
            CompletableFuture<Void> confirmed = pendingSubscribes.remove(channel);
            if (confirmed != null) {
                confirmed.complete(null);
            }
        }

        @Override
        public void onMessage(String channel, String payload) {
            if (channel.equals(nodeChannel)) {
                nodeMessages.accept(payload);
                return;
            }
            try {
                deliver(keys.roomOfChannel(channel), codec.decode(payload));
            } catch (RuntimeException e) {
                log.error("undecodable event on {}: {}", channel, payload, e);
            }
        }
    }
}
