package dev.chat.domain.memory;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.HistorySlice;
import dev.chat.domain.model.MessageDraft;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.RoomPosition;
import dev.chat.domain.port.out.MessageHistory;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the latest {@code capacity} messages of each room in memory. Single node only.
 *
 * <p>The epoch is new for every instance: after a restart, old sequence numbers are recognisably stale. Idempotency
 * keys are remembered with their message and forgotten when it is evicted.
 */
public final class InMemoryMessageHistory implements MessageHistory {
    private final InMemoryEventBus bus;
    private final int capacity;
    private final String epoch = newEpoch();
    private final ConcurrentHashMap<RoomName, RoomLog> logs = new ConcurrentHashMap<>();

    public InMemoryMessageHistory(InMemoryEventBus bus, int capacity) {
        this.bus = requireNonNull(bus, "bus");
        if (capacity < 1) {
            throw new IllegalArgumentException("history capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
    }

    @Override
    public ChatMessage append(MessageDraft draft) {
        RoomLog log = logs.computeIfAbsent(draft.room(), room -> new RoomLog());
        ChatMessage message;
        InMemoryEventBus.Topic topic;
        synchronized (log) {
            String key = draft.idempotencyKey();
            ChatMessage earlier = key == null ? null : log.byKey.get(key);
            if (earlier != null) {
                return earlier; // a retry of a send that landed: not stored or published again
            }
            message = draft.withSeq(log.lastSeq + 1);
            log.lastSeq = message.seq();
            log.kept.addLast(new Kept(message, key));
            if (key != null) {
                log.byKey.put(key, message);
            }
            if (log.kept.size() > capacity) {
                Kept evicted = log.kept.removeFirst();
                if (evicted.key() != null) {
                    log.byKey.remove(evicted.key());
                }
            }
            topic = bus.enqueue(message); // seq order is fixed here, under the room's lock
        }
        if (topic != null) {
            topic.drain(); // outside the lock: other senders to this room are not held up by the fan-out
        }
        return message;
    }

    @Override
    public HistorySlice readAfter(RoomName room, long afterSeq, int limit) {
        RoomLog log = logs.get(room);
        if (log == null) {
            return new HistorySlice(epoch, 0, List.of(), afterSeq <= 0);
        }
        synchronized (log) {
            List<ChatMessage> result = new ArrayList<>(Math.min(limit, log.kept.size()));
            long firstKept = log.kept.isEmpty()
                    ? log.lastSeq + 1
                    : log.kept.getFirst().message().seq();
            for (Kept kept : log.kept) {
                if (result.size() == limit) {
                    break;
                }
                if (kept.message().seq() > afterSeq) {
                    result.add(kept.message());
                }
            }
            boolean complete = afterSeq >= firstKept - 1 && afterSeq <= log.lastSeq;
            return new HistorySlice(epoch, log.lastSeq, result, complete);
        }
    }

    @Override
    public RoomPosition position(RoomName room) {
        RoomLog log = logs.get(room);
        if (log == null) {
            return new RoomPosition(epoch, 0);
        }
        synchronized (log) {
            return new RoomPosition(epoch, log.lastSeq);
        }
    }

    private static String newEpoch() {
        byte[] bytes = new byte[8];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private record Kept(ChatMessage message, String key) {}

    private static final class RoomLog {
        private final ArrayDeque<Kept> kept = new ArrayDeque<>();
        private final Map<String, ChatMessage> byKey = new HashMap<>();
        private long lastSeq;
    }
}
