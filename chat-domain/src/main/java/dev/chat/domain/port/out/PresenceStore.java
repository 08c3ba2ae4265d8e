package dev.chat.domain.port.out;

import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import java.util.List;

/** Who is in which room, across all nodes. Thread-safe. */
public interface PresenceStore {
    /** Adds the member; true if it was not present before. */
    boolean add(RoomName room, Nickname user);

    /** Removes the member; true if it was present before. */
    boolean remove(RoomName room, Nickname user);

    /** The room's members sorted by nickname. */
    List<Nickname> members(RoomName room);
}
