package dev.chat.domain.memory;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.HistorySlice;
import dev.chat.domain.model.MessageDraft;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.RoomPosition;
import dev.chat.domain.port.out.MessageHistory;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Keeps recent messages of each room in memory. Single node only.
 *
 * <p>Bounded two ways: each room keeps its latest {@code capacity} messages, and all rooms together keep at most
 * {@code maxTotalBytes} (estimated: the message's text, id and nickname as Java strings, plus a fixed overhead). An
 * append that takes the total past that budget drops the oldest messages of the rooms that were quiet longest,
 * then of its own room, down to the room's latest message. A room with no members that saw no activity for a while
 * is released whole ({@link #releaseIdle}).
 *
 * <p>Every room log has its own epoch, new whenever the log is created (at start, or after the room was released),
 * so sequence numbers from before are recognisably stale: a client that comes back with one is told "not
 * recovered", never handed a new message under an old number. Idempotency keys are remembered with their message
 * and forgotten when it is evicted.
 */
public final class InMemoryMessageHistory implements MessageHistory {
    /** Bytes a kept message costs beyond its strings: the objects, the deque slot, the key map entry. */
    static final int MESSAGE_OVERHEAD_BYTES = 160;
    /** Freed at once when the budget is exceeded, as a share of it, so eviction is not done on every append. */
    private static final int EVICTION_SLACK_PERCENT = 5;

    private final InMemoryEventBus bus;
    private final int capacity;
    private final long maxTotalBytes;
    private final Clock clock;
    private final ConcurrentHashMap<RoomName, RoomLog> logs = new ConcurrentHashMap<>();
    private final AtomicLong totalBytes = new AtomicLong();

    public InMemoryMessageHistory(InMemoryEventBus bus, int capacity) {
        this(bus, capacity, Long.MAX_VALUE, Clock.systemUTC());
    }

    /**
     * @param capacity messages kept per room
     * @param maxTotalBytes estimated bytes all rooms' kept messages may take together
     */
    public InMemoryMessageHistory(InMemoryEventBus bus, int capacity, long maxTotalBytes, Clock clock) {
        this.bus = requireNonNull(bus, "bus");
        this.clock = requireNonNull(clock, "clock");
        if (capacity < 1) {
            throw new IllegalArgumentException("history capacity must be positive: " + capacity);
        }
        if (maxTotalBytes < 1) {
            throw new IllegalArgumentException("maxTotalBytes must be positive: " + maxTotalBytes);
        }
        this.capacity = capacity;
        this.maxTotalBytes = maxTotalBytes;
    }

    @Override
    public ChatMessage append(MessageDraft draft) {
        Appended appended = withLiveLog(draft.room(), log -> {
            String key = draft.idempotencyKey();
            ChatMessage earlier = key == null ? null : log.byKey.get(key);
            if (earlier != null) {
                return new Appended(earlier, null); // a retry of a send that landed: not stored or published again
            }
            ChatMessage message = draft.withSeq(log.lastSeq + 1);
            log.lastSeq = message.seq();
            log.add(new Kept(message, key, sizeOf(message, key)));
            if (log.kept.size() > capacity) {
                log.removeOldest();
            }
            return new Appended(message, bus.enqueue(message)); // seq order is fixed here, under the room's lock
        });
        if (appended.topic() != null) {
            appended.topic().drain(); // outside the lock: other senders to this room are not held up by the fan-out
        }
        if (totalBytes.get() > maxTotalBytes) {
            evictDownTo(maxTotalBytes - maxTotalBytes / 100 * EVICTION_SLACK_PERCENT, draft.room());
        }
        return appended.message();
    }

    @Override
    public HistorySlice readAfter(RoomName room, long afterSeq, int limit) {
        return withLiveLog(room, log -> {
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
            return new HistorySlice(log.epoch, log.lastSeq, result, complete);
        });
    }

    @Override
    public RoomPosition position(RoomName room) {
        return withLiveLog(room, log -> new RoomPosition(log.epoch, log.lastSeq));
    }

    /**
     * Releases the history of every room that saw no append, read or position for {@code idle} and that
     * {@code inUse} says nobody is in. Its next use starts a new epoch.
     *
     * @return how many rooms were released
     */
    public int releaseIdle(Duration idle, Predicate<RoomName> inUse) {
        long before = clock.millis() - idle.toMillis();
        int released = 0;
        for (Map.Entry<RoomName, RoomLog> entry : logs.entrySet()) {
            RoomLog log = entry.getValue();
            if (log.lastUsedMillis() >= before || inUse.test(entry.getKey())) {
                continue;
            }
            synchronized (log) {
                if (log.released || log.lastUsedMillis() >= before) {
                    continue; // used meanwhile
                }
                log.released = true;
                logs.remove(entry.getKey(), log);
                totalBytes.addAndGet(-log.bytes);
                released++;
            }
        }
        return released;
    }

    /** Rooms whose history is held (for tests and metrics). */
    public int roomCount() {
        return logs.size();
    }

    /** Estimated bytes all kept messages take. */
    public long totalBytes() {
        return totalBytes.get();
    }

    /** Drops oldest messages, of the rooms quiet longest first, until the total is at most {@code target}. */
    private void evictDownTo(long target, RoomName appendedTo) {
        List<Map.Entry<RoomName, RoomLog>> quietFirst = new ArrayList<>(logs.entrySet());
        quietFirst.sort(Comparator.comparingLong(e -> e.getValue().lastUsedMillis()));
        // The room just appended to goes last: its newest message must stay.
        quietFirst.sort(Comparator.comparing(e -> e.getKey().equals(appendedTo)));
        for (Map.Entry<RoomName, RoomLog> entry : quietFirst) {
            RoomLog log = entry.getValue();
            synchronized (log) {
                while (totalBytes.get() > target && log.kept.size() > 1) {
                    log.removeOldest();
                }
            }
            if (totalBytes.get() <= target) {
                return;
            }
        }
    }

    /**
     * Runs {@code action} on the room's log under its lock, marking the room used. A log released meanwhile is looked
     * up again: its successor (with a new epoch) takes its place.
     */
    private <T> T withLiveLog(RoomName room, Function<RoomLog, T> action) {
        while (true) {
            RoomLog log = logs.computeIfAbsent(room, name -> new RoomLog(newEpoch(), clock.millis()));
            synchronized (log) {
                if (!log.released) {
                    log.touch(clock.millis());
                    return action.apply(log);
                }
            }
        }
    }

    private static long sizeOf(ChatMessage message, String key) {
        long chars = message.text().length()
                + message.id().length()
                + message.user().value().length()
                + (key == null ? 0 : key.length());
        return 2 * chars + MESSAGE_OVERHEAD_BYTES;
    }

    private static String newEpoch() {
        byte[] bytes = new byte[8];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private record Kept(ChatMessage message, String key, long bytes) {}

    private record Appended(ChatMessage message, InMemoryEventBus.Queued topic) {}

    /** One room's kept messages. Guarded by its own lock, but for the last-use time, which is read without it. */
    private final class RoomLog {
        private final String epoch;
        private final ArrayDeque<Kept> kept = new ArrayDeque<>();
        private final Map<String, ChatMessage> byKey = new HashMap<>();
        private long lastSeq;
        private long bytes;
        private volatile long lastUsedMillis;
        /** Taken out of the map: whoever still holds it must look the room up again. */
        private boolean released;

        RoomLog(String epoch, long now) {
            this.epoch = epoch;
            this.lastUsedMillis = now;
        }

        void touch(long now) {
            lastUsedMillis = now;
        }

        long lastUsedMillis() {
            return lastUsedMillis;
        }

        void add(Kept message) {
            kept.addLast(message);
            if (message.key() != null) {
                byKey.put(message.key(), message.message());
            }
            bytes += message.bytes();
            totalBytes.addAndGet(message.bytes());
        }

        void removeOldest() {
            Kept evicted = kept.removeFirst();
            if (evicted.key() != null) {
                byKey.remove(evicted.key());
            }
            bytes -= evicted.bytes();
            totalBytes.addAndGet(-evicted.bytes());
        }
    }
}
