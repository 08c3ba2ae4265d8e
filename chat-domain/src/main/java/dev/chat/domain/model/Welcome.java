package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * First event of every connection: who you are, your session token, your rooms, and whether this connection resumed
 * an existing session (same nickname and rooms) rather than starting a new one.
 */
public record Welcome(Nickname user, SessionToken session, List<RoomName> rooms, boolean resumed)
        implements ServerEvent {
    public Welcome {
        requireNonNull(user, "user");
        requireNonNull(session, "session");
        rooms = List.copyOf(rooms);
    }
}
