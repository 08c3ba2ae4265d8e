package dev.chat.domain.service;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ActiveUsers;
import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.HistoryLost;
import dev.chat.domain.model.NotRecovered;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.model.RoomEvent;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.port.out.ChatMetrics;
import dev.chat.domain.port.out.EventBus;
import dev.chat.domain.port.out.EventEncoder;
import dev.chat.domain.port.out.Subscription;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * This node's local fan-out: which local connections are in which room. The node subscribes to a room on the
 * event bus while it has local members there (interest-based), and encodes each room event once for all of them.
 */
final class RoomHub {
    private final EventBus bus;
    private final EventEncoder encoder;
    private final Function<RoomName, ActiveUsers> snapshotAfterLoss;
    private final ChatMetrics metrics;
    private final Clock clock;
    private final ConcurrentHashMap<RoomName, LocalRoom> rooms = new ConcurrentHashMap<>();

    /**
     * @param snapshotAfterLoss the room's members at the start of its new epoch, for members of a room whose history
     *     was lost
     */
    RoomHub(EventBus bus, EventEncoder encoder, Function<RoomName, ActiveUsers> snapshotAfterLoss) {
        this(bus, encoder, snapshotAfterLoss, ChatMetrics.NONE, Clock.systemUTC());
    }

    RoomHub(
            EventBus bus,
            EventEncoder encoder,
            Function<RoomName, ActiveUsers> snapshotAfterLoss,
            ChatMetrics metrics,
            Clock clock) {
        this.bus = requireNonNull(bus, "bus");
        this.encoder = requireNonNull(encoder, "encoder");
        this.snapshotAfterLoss = requireNonNull(snapshotAfterLoss, "snapshotAfterLoss");
        this.metrics = requireNonNull(metrics, "metrics");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * Adds a member; the first one makes this node subscribe to the room. The subscription happens outside the map's
     * lock (it may take a network round trip), and a bus that refuses it leaves nothing behind: the member is taken
     * out again and the failure is thrown.
     */
    void attach(RoomMembership member) {
        LocalRoom local = rooms.compute(member.room(), (room, existing) -> {
            LocalRoom joined = existing != null ? existing : new LocalRoom(room);
            joined.members.add(member);
            return joined;
        });
        try {
            local.subscribe();
        } catch (RuntimeException refused) {
            detach(member);
            throw refused;
        }
    }

    void detach(RoomMembership member) {
        LocalRoom[] emptied = new LocalRoom[1];
        rooms.computeIfPresent(member.room(), (room, local) -> {
            local.members.remove(member);
            if (local.members.isEmpty()) {
                emptied[0] = local;
                return null;
            }
            return local;
        });
        if (emptied[0] != null) {
            emptied[0].close(); // outside the map's lock: it may wait for a subscribe in flight
        }
    }

    /** Rooms with members on this node. */
    int roomCount() {
        return rooms.size();
    }

    private final class LocalRoom {
        private final RoomName room;
        private final Set<RoomMembership> members = ConcurrentHashMap.newKeySet();
        /** Guarded by this. */
        private Subscription subscription;
        /** Guarded by this: the last member left; a late subscribe must not happen. */
        private boolean closed;

        LocalRoom(RoomName room) {
            this.room = room;
        }

        synchronized void subscribe() {
            if (subscription == null && !closed) {
                subscription = bus.subscribe(room, this::deliver);
            }
        }

        synchronized void close() {
            closed = true;
            if (subscription != null) {
                subscription.close();
            }
        }

        private void deliver(RoomEvent event) {
            if (event instanceof HistoryLost lost) {
                historyLost(lost.room());
                return;
            }
            OutboundEvent encoded = encoder.encode(event);
            int frames = 0;
            for (RoomMembership member : members) {
                try {
                    member.deliver(event, encoded);
                    frames++;
                } catch (RuntimeException e) {
                    member.fail(); // one broken member must not cost the others the event
                }
            }
            // Counted once per event, not per recipient.
            if (event instanceof ChatMessage message) {
                long sincePosted =
                        Duration.between(message.time(), clock.instant()).toNanos();
                metrics.delivered(frames, Math.max(0, sincePosted));
            } else {
                metrics.presenceFramesSent(frames);
            }
        }

        private void historyLost(RoomName room) {
            OutboundEvent notice = encoder.encode(new NotRecovered(room, NotRecovered.Reason.EPOCH_CHANGED));
            OutboundEvent snapshot;
            try {
                snapshot = encoder.encode(snapshotAfterLoss.apply(room));
            } catch (RuntimeException storeDown) {
                snapshot = null; // the notice alone still stops clients from taking new seqs for repeats
            }
            for (RoomMembership member : members) {
                try {
                    member.historyLost(notice, snapshot);
                } catch (RuntimeException e) {
                    member.fail();
                }
            }
        }
    }
}
