package dev.chat.domain.memory;

import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.model.SmallSets;
import dev.chat.domain.port.out.PresenceStore;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Room membership in memory, each member with the sessions that have it there, and each room's count kept beside
 * its members so reading it costs nothing. Single node only.
 */
public final class InMemoryPresenceStore implements PresenceStore {
    private final ConcurrentHashMap<RoomName, Room> rooms = new ConcurrentHashMap<>();

    /**
     * A room's members by nickname, each with its sessions there (an immutable set, replaced on change); they and
     * {@code count} change only inside the room's map entry's lock.
     */
    private static final class Room {
        final ConcurrentSkipListMap<Nickname, Set<SessionToken>> members = new ConcurrentSkipListMap<>();
        volatile int count;
    }

    @Override
    public boolean add(RoomName room, Nickname user, SessionToken session) {
        boolean[] arrived = {false};
        rooms.compute(room, (name, existing) -> {
            Room target = existing != null ? existing : new Room();
            Set<SessionToken> sessions = target.members.getOrDefault(user, Set.of());
            arrived[0] = sessions.isEmpty();
            target.members.put(user, SmallSets.with(sessions, session));
            if (arrived[0]) {
                target.count++;
            }
            return target;
        });
        return arrived[0];
    }

    @Override
    public boolean remove(RoomName room, Nickname user, SessionToken session) {
        boolean[] left = {false};
        rooms.computeIfPresent(room, (name, existing) -> {
            Set<SessionToken> sessions = existing.members.getOrDefault(user, Set.of());
            Set<SessionToken> remaining = SmallSets.without(sessions, session);
            if (remaining.isEmpty() && !sessions.isEmpty()) {
                existing.members.remove(user);
                existing.count--;
                left[0] = true;
            } else if (remaining != sessions) {
                existing.members.put(user, remaining);
            }
            return existing.members.isEmpty() ? null : existing; // forget empty rooms so room churn does not leak
        });
        return left[0];
    }

    @Override
    public List<Nickname> page(RoomName room, Nickname after, int limit) {
        Room existing = rooms.get(room);
        if (existing == null) {
            return List.of();
        }
        NavigableMap<Nickname, Set<SessionToken>> from =
                after == null ? existing.members : existing.members.tailMap(after, false);
        List<Nickname> page = new ArrayList<>(Math.min(limit, 1_024));
        for (Nickname member : from.keySet()) {
            if (page.size() >= limit) {
                break;
            }
            page.add(member);
        }
        return page;
    }

    @Override
    public int count(RoomName room) {
        Room existing = rooms.get(room);
        return existing == null ? 0 : existing.count;
    }
}
