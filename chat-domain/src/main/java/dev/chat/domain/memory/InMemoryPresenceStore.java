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
 * its members so reading it costs nothing. A room's first members, which every joiner of a big room is sent, are
 * kept read until an arrival or departure among them: a crowd joining a room of thousands otherwise walks and copies
 * the same first few hundred names once per joiner. Single node only.
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
        /** The first members as last read, or null once a change may have touched them; set and cleared in the lock. */
        volatile FirstRead first;

        /** Forgets the first members read if {@code user}, who just arrived or left, is or was among them. */
        void changed(Nickname user) {
            FirstRead read = first;
            if (read != null && read.mayList(user)) {
                first = null;
            }
        }
    }

    /** Up to {@code limit} of a room's first members, in order. */
    private record FirstRead(int limit, List<Nickname> members) {
        /** Whether a member by this name would be (or was) listed: the list holds everyone, or the name sorts inside. */
        boolean mayList(Nickname user) {
            return members.size() < limit || user.compareTo(members.get(members.size() - 1)) <= 0;
        }
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
                target.changed(user);
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
                existing.changed(user);
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
        return read(after == null ? existing.members : existing.members.tailMap(after, false), limit);
    }

    @Override
    public FirstMembers firstMembers(RoomName room, int limit) {
        if (limit == 0) {
            return new FirstMembers(List.of(), count(room)); // the count alone: keep what was read
        }
        Room existing = rooms.get(room);
        FirstRead read = existing == null ? null : existing.first;
        if (read == null || read.limit() != limit) {
            read = readFirst(room, limit);
        }
        return new FirstMembers(read == null ? List.of() : read.members(), count(room));
    }

    /**
     * Reads the room's first members in its lock, so that no change slips in between the read and keeping it; null if
     * the room is empty.
     */
    private FirstRead readFirst(RoomName room, int limit) {
        FirstRead[] read = {null};
        rooms.computeIfPresent(room, (name, existing) -> {
            read[0] = new FirstRead(limit, List.copyOf(read(existing.members, limit)));
            existing.first = read[0];
            return existing;
        });
        return read[0];
    }

    private static List<Nickname> read(NavigableMap<Nickname, Set<SessionToken>> from, int limit) {
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
