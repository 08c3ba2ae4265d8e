package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** First event of every connection: who you are, your session token and your rooms. */
public record Welcome(Nickname user, SessionToken session, List<RoomName> rooms) implements ServerEvent {
    public Welcome {
        requireNonNull(user, "user");
        requireNonNull(session, "session");
        rooms = List.copyOf(rooms);
    }
}
