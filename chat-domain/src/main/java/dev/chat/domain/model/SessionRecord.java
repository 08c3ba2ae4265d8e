package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/** What the service remembers of a session, on whichever node serves it next. */
public record SessionRecord(SessionToken token, Nickname nickname, Set<RoomName> rooms) {
    public SessionRecord {
        requireNonNull(token, "token");
        requireNonNull(nickname, "nickname");
        rooms = Set.copyOf(rooms);
    }

    public SessionRecord withRooms(Set<RoomName> newRooms) {
        return new SessionRecord(token, nickname, newRooms);
    }
}
