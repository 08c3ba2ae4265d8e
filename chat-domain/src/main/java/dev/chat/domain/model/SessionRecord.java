package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/** What the service remembers of a session, on whichever node serves it next: who it is, and where. */
public record SessionRecord(SessionToken token, Nickname nickname, Set<RoomName> rooms, Identity identity) {
    public SessionRecord {
        requireNonNull(token, "token");
        requireNonNull(nickname, "nickname");
        rooms = Set.copyOf(rooms);
        requireNonNull(identity, "identity");
    }

    /** An anonymous session's. */
    public SessionRecord(SessionToken token, Nickname nickname, Set<RoomName> rooms) {
        this(token, nickname, rooms, Identity.ANONYMOUS);
    }

    public SessionRecord withRooms(Set<RoomName> newRooms) {
        return new SessionRecord(token, nickname, newRooms, identity);
    }
}
