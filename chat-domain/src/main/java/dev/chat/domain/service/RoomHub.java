package dev.chat.domain.service;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ActiveUsers;
import dev.chat.domain.model.HistoryLost;
import dev.chat.domain.model.NotRecovered;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.model.RoomEvent;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.port.out.EventBus;
import dev.chat.domain.port.out.EventEncoder;
import dev.chat.domain.port.out.Subscription;
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
    private final ConcurrentHashMap<RoomName, LocalRoom> rooms = new ConcurrentHashMap<>();

    /**
     * @param snapshotAfterLoss the room's members at the start of its new epoch, for members of a room whose history
     *     was lost
     */
    RoomHub(EventBus bus, EventEncoder encoder, Function<RoomName, ActiveUsers> snapshotAfterLoss) {
        this.bus = requireNonNull(bus, "bus");
        this.encoder = requireNonNull(encoder, "encoder");
        this.snapshotAfterLoss = requireNonNull(snapshotAfterLoss, "snapshotAfterLoss");
    }

    void attach(RoomMembership member) {
        rooms.compute(member.room(), (room, existing) -> {
            LocalRoom local = existing != null ? existing : new LocalRoom(room);
            local.members.add(member);
            return local;
        });
    }

    void detach(RoomMembership member) {
        rooms.computeIfPresent(member.room(), (room, local) -> {
            local.members.remove(member);
            if (local.members.isEmpty()) {
                local.subscription.close();
                return null;
            }
            return local;
        });
    }

    private final class LocalRoom {
        private final Set<RoomMembership> members = ConcurrentHashMap.newKeySet();
        private final Subscription subscription;

        LocalRoom(RoomName room) {
            this.subscription = bus.subscribe(room, this::deliver);
        }

        private void deliver(RoomEvent event) {
            if (event instanceof HistoryLost lost) {
                historyLost(lost.room());
                return;
            }
            OutboundEvent encoded = encoder.encode(event);
            for (RoomMembership member : members) {
                member.deliver(event, encoded);
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
                member.historyLost(notice, snapshot);
            }
        }
    }
}
