package dev.chat.domain.memory;

import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.PresenceStore;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** Room membership in memory, each member with the sessions that have it there. Single node only. */
public final class InMemoryPresenceStore implements PresenceStore {
    private final ConcurrentHashMap<RoomName, ConcurrentSkipListMap<Nickname, Set<SessionToken>>> rooms =
            new ConcurrentHashMap<>();

    @Override
    public boolean add(RoomName room, Nickname user, SessionToken session) {
        boolean[] arrived = {false};
        rooms.compute(room, (name, members) -> {
            ConcurrentSkipListMap<Nickname, Set<SessionToken>> target =
                    members != null ? members : new ConcurrentSkipListMap<>();
            target.compute(user, (nickname, sessions) -> {
                Set<SessionToken> held = sessions != null ? sessions : new HashSet<>();
                arrived[0] = held.isEmpty();
                held.add(session);
                return held;
            });
            return target;
        });
        return arrived[0];
    }

    @Override
    public boolean remove(RoomName room, Nickname user, SessionToken session) {
        boolean[] left = {false};
        rooms.computeIfPresent(room, (name, members) -> {
            members.computeIfPresent(user, (nickname, sessions) -> {
                left[0] = sessions.remove(session) && sessions.isEmpty();
                return sessions.isEmpty() ? null : sessions;
            });
            return members.isEmpty() ? null : members; // forget empty rooms so room churn does not leak
        });
        return left[0];
    }

    @Override
    public List<Nickname> members(RoomName room) {
        ConcurrentSkipListMap<Nickname, Set<SessionToken>> members = rooms.get(room);
        return members == null ? List.of() : List.copyOf(members.keySet()); // sorted by nickname
    }
}
