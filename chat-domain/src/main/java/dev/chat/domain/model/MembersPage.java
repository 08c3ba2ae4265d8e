package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A page of a room's members, sorted by nickname; {@code next} is what to ask for after (null on the last page).
 * {@code ref} echoes the request's.
 */
public record MembersPage(RoomName room, List<Nickname> users, Nickname next, String ref) implements ServerEvent {
    public MembersPage {
        requireNonNull(room, "room");
        users = List.copyOf(users);
    }
}
