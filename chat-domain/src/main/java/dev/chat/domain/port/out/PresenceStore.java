package dev.chat.domain.port.out;

import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SessionToken;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Who is in which room, across all nodes. A member is listed once however many of its sessions are in the room (a
 * signed-in user's tabs share its nickname): it arrives with its first session there and leaves with its last.
 * Thread-safe.
 */
public interface PresenceStore {
    /** Adds the session to the member's sessions in the room; true if the member was not listed before. */
    boolean add(RoomName room, Nickname user, SessionToken session);

    /** Removes the session from the member's sessions in the room; true if that was its last (it is gone now). */
    boolean remove(RoomName room, Nickname user, SessionToken session);

    /** The room's members sorted by nickname, each once. Reads them all: for small rooms and tests. */
    default List<Nickname> members(RoomName room) {
        return page(room, null, Integer.MAX_VALUE);
    }

    /** At most {@code limit} members sorted by nickname, those after {@code after} (null: from the first). */
    List<Nickname> page(RoomName room, Nickname after, int limit);

    /** How many members the room has, without reading them. */
    int count(RoomName room);

    /**
     * The room's first members and how many there are, as every joiner's snapshot needs them; a store that can read
     * both at once (one round trip) does.
     *
     * @param members at most {@code limit} members from the first, sorted by nickname
     * @param count the room's member count, at least the number listed
     */
    record FirstMembers(List<Nickname> members, int count) {
        public FirstMembers {
            members = List.copyOf(members);
            count = Math.max(count, members.size());
        }

        /**
         * These first members read with {@code reads} (at most that many), with {@code member} among them if it
         * sorts there, and {@code count}: the first members again after that member's arrival.
         */
        public FirstMembers with(Nickname member, int count, int reads) {
            int at = Collections.binarySearch(members, member);
            if (at >= 0 || -at - 1 >= reads) {
                return new FirstMembers(members, count);
            }
            List<Nickname> added = new ArrayList<>(members.size() + 1);
            added.addAll(members);
            added.add(-at - 1, member);
            return new FirstMembers(added.subList(0, Math.min(added.size(), reads)), count);
        }
    }

    /** At most {@code limit} members from the first, with the room's count. */
    default FirstMembers firstMembers(RoomName room, int limit) {
        return new FirstMembers(page(room, null, limit), count(room));
    }

    /**
     * A joiner's add and its snapshot's read.
     *
     * @param arrived as {@link #add} returns it
     * @param first as {@link #firstMembers} reads it after the add
     */
    record Joined(boolean arrived, FirstMembers first) {}

    /**
     * {@link #add}, then {@link #firstMembers} (which lists the joiner): what every joiner needs; a store that can do
     * both in one round trip does. If it fails, the add may or may not have happened, as with {@link #add}.
     */
    default Joined addAndReadFirst(RoomName room, Nickname user, SessionToken session, int limit) {
        boolean arrived = add(room, user, session);
        return new Joined(arrived, firstMembers(room, limit));
    }
}
