package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

/**
 * A member of a room asks for a page of its members, sorted by nickname, after {@code after} (null: from the
 * first), at most {@code limit}; the answer comes as a {@link MembersPage} on the client's stream.
 */
public record ListMembers(RoomName room, Nickname after, int limit, String ref) implements ClientCommand {
    /** The most one page may hold. */
    public static final int MAX_LIMIT = 1_000;

    public static final int DEFAULT_LIMIT = 200;

    public ListMembers {
        requireNonNull(room, "room");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ChatException(ErrorCode.INVALID_FIELD, "\"limit\" must be 1-" + MAX_LIMIT + ": " + limit);
        }
    }
}
