package dev.chat.store.redis;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.HistoryLost;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Room events across nodes over Redis pub/sub, one channel per room, and only for rooms this node has subscribers
 * in. Publishing uses the shared connection pool; receiving uses one dedicated connection read by one thread, and
 * listeners run on another ({@link RoomDeliveries}), so a room's events reach listeners in publish order, and what
 * arrived while a big room was being delivered goes out as one run. The same connection carries this node's own
 * channel, on which other nodes reach it (takeover notices, relayed requests), first: once it is subscribed, the
 * connection listens.
 *
 * <p>Pub/sub is at-most-once: after the subscriber connection drops and comes back, each room is back-filled from its
 * message stream since the last message delivered (or where the room stood when subscribed), so connected clients
 * lose nothing; presence events of the gap are not replayed (clients re-sync presence by snapshot).
 *
 * <p>Each subscribed room remembers the epoch and last seq of the messages delivered. A message of another epoch, or
 * a back-fill that finds the room's epoch changed or its seq behind, means Redis lost the room's history: listeners
 * get {@link HistoryLost}, then the new epoch's messages from the start of its stream.
 */
final class RedisEventBus implements EventBus, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisEventBus.class);
    private static final Duration RECONNECT_DELAY = Duration.ofMillis(200);

    private final UnifiedJedis redis;
    private final RedisCalls calls;
    /** How long a caller waits for a room's subscription to be confirmed (the command timeout). */
    private final Duration subscribeTimeout;

    private final URI subscriberUri;
    private final RedisKeys keys;
    private final RoomEventCodec codec;
    private final String nodeChannel;
    private final Consumer<String> nodeMessages;
    private final Runnable afterReconnect;
    private final Map<RoomName, List<EventBus.Listener>> listeners = new ConcurrentHashMap<>();
    /** Per subscribed room, where delivery stands; written by the subscriber thread once the room is subscribed. */
    private final Map<RoomName, Delivered> delivered = new ConcurrentHashMap<>();
    /** Listeners run there, not on the subscriber thread; from {@link #start}. */
    private RoomDeliveries deliveries;

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
            RedisCalls calls,
            Duration subscribeTimeout,
            URI subscriberUri,
            RedisKeys keys,
            RoomEventCodec codec,
            String nodeId,
            Consumer<String> nodeMessages,
            Runnable afterReconnect) {
        this.redis = requireNonNull(redis, "redis");
        this.calls = requireNonNull(calls, "calls");
        this.subscribeTimeout = requireNonNull(subscribeTimeout, "subscribeTimeout");
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
        deliveries = new RoomDeliveries(room -> listeners.getOrDefault(room, List.of()));
        thread = new Thread(this::receiveUntilClosed, "redis-subscriber");
        thread.setDaemon(true);
        thread.start();
        await(ready);
    }

    @Override
    public void publish(RoomEvent event) {
        if (event instanceof HistoryLost) {
            throw new IllegalArgumentException("only the bus itself reports a lost history");
        }
        String payload = event instanceof ChatMessage message ? codec.message(message) : codec.presence(event);
        calls.call(() -> redis.publish(keys.channel(event.room()), payload));
    }

    @Override
    public Subscription subscribe(RoomName room, EventBus.Listener listener) {
        requireNonNull(listener, "listener");
        // Where the room stands before its channel is subscribed: a back-fill starts no later than this.
        Delivered before = calls.call(() -> {
            List<String> epochAndSeq = redis.mget(keys.epoch(room), keys.seq(room));
            String seq = epochAndSeq.get(1);
            return new Delivered(epochAndSeq.get(0), seq == null ? 0 : Long.parseLong(seq));
        });
        boolean[] first = {false};
        listeners.compute(room, (name, list) -> {
            List<EventBus.Listener> target = list != null ? list : new CopyOnWriteArrayList<>();
            first[0] = target.isEmpty();
            if (first[0]) {
                delivered.put(room, before);
            }
            target.add(listener);
            return target;
        });
        if (first[0]) {
            String channel = keys.channel(room);
            CompletableFuture<Void> confirmed =
                    pendingSubscribes.computeIfAbsent(channel, c -> new CompletableFuture<>());
            try {
                await(ready); // the connection listens (or is back after a loss)
                try {
                    receiver.subscribe(channel);
                } catch (RuntimeException reconnecting) {
                    // the connection is being replaced: the new one subscribes every room with listeners
                }
                await(confirmed);
            } catch (ChatException notConfirmed) {
                pendingSubscribes.remove(channel, confirmed);
                unsubscribe(room, listener); // nothing stays registered for a subscription the caller never got
                throw notConfirmed;
            }
        }
        return () -> unsubscribe(room, listener);
    }

    /**
     * Waits for a shared future without changing it ({@code orTimeout} would fail it for every later caller too).
     *
     * @throws ChatException {@code unavailable} when it does not complete in time
     */
    private void await(CompletableFuture<Void> future) {
        try {
            future.get(subscribeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new ChatException(ErrorCode.UNAVAILABLE, "the chat store is unavailable, try again shortly");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChatException(ErrorCode.UNAVAILABLE, "interrupted while subscribing");
        }
    }

    /** How often the subscriber connection came back after being lost. */
    int reconnects() {
        return reconnects.get();
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            if (deliveries != null) {
                deliveries.close();
            }
        }
        Receiver current = receiver;
        if (current != null && current.isSubscribed()) {
            try {
                current.unsubscribe();
            } catch (JedisException alreadyGone) {
                // the connection broke first: nothing is subscribed any more
            }
        }
    }

    private void unsubscribe(RoomName room, EventBus.Listener listener) {
        boolean[] last = {false};
        listeners.computeIfPresent(room, (name, list) -> {
            list.remove(listener);
            last[0] = list.isEmpty();
            return list.isEmpty() ? null : list;
        });
        if (last[0]) {
            delivered.remove(room);
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
            Delivered state = delivered.get(room);
            if (state == null) {
                continue;
            }
            List<String> epochAndSeq = redis.mget(keys.epoch(room), keys.seq(room));
            String epochNow = epochAndSeq.get(0);
            long seqNow = epochAndSeq.get(1) == null ? 0 : Long.parseLong(epochAndSeq.get(1));
            if ((state.epoch != null && !state.epoch.equals(epochNow)) || seqNow < state.seq) {
                historyLost(room, state, epochNow);
            } else if (state.epoch == null) {
                state.epoch = epochNow;
            }
            deliverStoredAfter(room, state.seq);
        }
    }

    /** Delivers the room's stored messages after {@code seq} (those already delivered are skipped). */
    private void deliverStoredAfter(RoomName room, long seq) {
        for (StreamEntry entry : redis.xrange(keys.log(room), new StreamEntryID(seq + 1, 0), (StreamEntryID) null)) {
            try {
                deliver(room, codec.receive(entry.getFields().get("e")));
            } catch (IllegalArgumentException notOurs) { // one bad entry must not stop the room's back-fill
                log.error("undecodable stored event {} of room {}: {}", entry.getID(), room, notOurs.getMessage());
            }
        }
    }

    private void deliver(RoomName room, RoomEventCodec.Received received) {
        Delivered state = delivered.get(room);
        if (state != null && received.event() instanceof ChatMessage message) {
            if (received.epoch() != null && !received.epoch().equals(state.epoch)) {
                if (state.epoch != null) { // a new epoch's message before any back-fill noticed the loss
                    historyLost(room, state, received.epoch());
                    deliverStoredAfter(room, 0);
                    return;
                }
                state.epoch = received.epoch();
            }
            if (message.seq() <= state.seq) {
                return; // already delivered (back-fill and live overlap)
            }
            state.seq = message.seq();
        }
        notifyListeners(room, received.event());
    }

    /** Redis lost the room's history: listeners hear so before the new epoch's first message. */
    private void historyLost(RoomName room, Delivered state, String newEpoch) {
        log.warn("Redis lost the history of room {}; its members are told and the room starts over", room);
        state.epoch = newEpoch;
        state.seq = 0;
        notifyListeners(room, new HistoryLost(room));
    }

    private void notifyListeners(RoomName room, RoomEvent event) {
        deliveries.add(room, event);
    }

    /** Where a room's delivery stands: the epoch of its messages and the last seq delivered. */
    private static final class Delivered {
        private volatile String epoch;
        private volatile long seq;

        Delivered(String epoch, long seq) {
            this.epoch = epoch;
            this.seq = seq;
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
                deliver(keys.roomOfChannel(channel), codec.receive(payload));
            } catch (RuntimeException e) {
                log.error("undecodable event on {}: {}", channel, payload, e);
            }
        }
    }
}
