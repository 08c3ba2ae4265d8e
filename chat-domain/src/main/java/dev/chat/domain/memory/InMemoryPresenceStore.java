package dev.chat.domain.memory;

import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.port.out.PresenceStore;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/** Room membership in memory. Single node only. */
public final class InMemoryPresenceStore implements PresenceStore {
    private final ConcurrentHashMap<RoomName, Set<Nickname>> members = new ConcurrentHashMap<>();

    @Override
    public boolean add(RoomName room, Nickname user) {
        boolean[] added = {false};
        members.compute(room, (name, set) -> {
            Set<Nickname> target = set != null ? set : new ConcurrentSkipListSet<>();
            added[0] = target.add(user);
            return target;
        });
        return added[0];
    }

    @Override
    public boolean remove(RoomName room, Nickname user) {
        boolean[] removed = {false};
        members.computeIfPresent(room, (name, set) -> {
            removed[0] = set.remove(user);
            return set.isEmpty() ? null : set; // forget empty rooms so room churn does not leak
        });
        return removed[0];
    }

    @Override
    public List<Nickname> members(RoomName room) {
        Set<Nickname> set = members.get(room);
        return set == null ? List.of() : List.copyOf(set); // a skip-list set iterates in sorted order
    }
}
