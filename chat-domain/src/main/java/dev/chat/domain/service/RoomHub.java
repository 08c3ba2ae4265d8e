package dev.chat.domain.service;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.model.RoomEvent;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.port.out.EventBus;
import dev.chat.domain.port.out.EventEncoder;
import dev.chat.domain.port.out.Subscription;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's local fan-out: which local connections are in which room. The node subscribes to a room on the
 * event bus while it has local members there (interest-based), and encodes each room event once for all of them.
 */
final class RoomHub {
    private final EventBus bus;
    private final EventEncoder encoder;
    private final ConcurrentHashMap<RoomName, LocalRoom> rooms = new ConcurrentHashMap<>();

    RoomHub(EventBus bus, EventEncoder encoder) {
        this.bus = requireNonNull(bus, "bus");
        this.encoder = requireNonNull(encoder, "encoder");
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
            OutboundEvent encoded = encoder.encode(event);
            for (RoomMembership member : members) {
                member.deliver(event, encoded);
            }
        }
    }
}
