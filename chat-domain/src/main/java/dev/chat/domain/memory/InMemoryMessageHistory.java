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
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the latest {@code capacity} messages of each room in memory. Single node only.
 *
 * <p>The epoch is new for every instance: after a restart, old sequence numbers are recognisably stale.
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
            message = draft.withSeq(log.lastSeq + 1);
            log.lastSeq = message.seq();
            log.messages.addLast(message);
            if (log.messages.size() > capacity) {
                log.messages.removeFirst();
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
            List<ChatMessage> result = new ArrayList<>(Math.min(limit, log.messages.size()));
            long firstKept = log.messages.isEmpty()
                    ? log.lastSeq + 1
                    : log.messages.getFirst().seq();
            for (ChatMessage message : log.messages) {
                if (result.size() == limit) {
                    break;
                }
                if (message.seq() > afterSeq) {
                    result.add(message);
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

    private static final class RoomLog {
        private final ArrayDeque<ChatMessage> messages = new ArrayDeque<>();
        private long lastSeq;
    }
}
