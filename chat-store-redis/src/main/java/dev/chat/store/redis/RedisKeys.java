package dev.chat.store.redis;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RateLimits;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SessionToken;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Every Redis key and channel name the service uses, in one place. Room keys carry the room in a hash tag
 * ({@code chat:{r:general}:...}) so that on Redis Cluster a room's keys and channel share a slot.
 */
public final class RedisKeys {
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final String namespace;

    /** @param namespace the prefix of every key, e.g. {@code chat}; lets several deployments share one Redis */
    public RedisKeys(String namespace) {
        if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException("namespace must be 1-64 of A-Z a-z 0-9 _ . -: " + namespace);
        }
        this.namespace = namespace;
    }

    /** The room's message log: a stream whose entry ids are {@code SEQ-0}. */
    String log(RoomName room) {
        return roomKey(room, "log");
    }

    /** The room's last assigned message seq. */
    String seq(RoomName room) {
        return roomKey(room, "seq");
    }

    /** The room's epoch: set once; a Redis that lost the room's data starts a new one. */
    String epoch(RoomName room) {
        return roomKey(room, "epoch");
    }

    /** Sorted set of the idempotency keys of the room's kept messages, scored by their seq. */
    String sentKeys(RoomName room) {
        return roomKey(room, "sent");
    }

    /** The pub/sub channel of the room's events. */
    String channel(RoomName room) {
        return roomKey(room, "events");
    }

    /** A node's own channel: other nodes reach it there (takeover notices, relayed requests and answers). */
    String nodeChannel(String nodeId) {
        return namespace + ":node:" + requireNonNull(nodeId, "nodeId");
    }

    /** The room a channel belongs to. */
    RoomName roomOfChannel(String channel) {
        int start = channel.indexOf(":{r:");
        int end = channel.indexOf("}:", start);
        return RoomName.of(channel.substring(start + 4, end));
    }

    /** Sorted set of a room's members, scored by when their lease runs out (epoch millis). */
    String presence(RoomName room) {
        return roomKey(room, "presence");
    }

    /** Sorted set of a room's members by name (all scored 0), for pages in name order; in the room's slot. */
    String presenceNames(RoomName room) {
        return roomKey(room, "names");
    }

    /** Set of the sessions that have a member in a room (a signed-in user's tabs share the member); in its slot. */
    String presenceHolders(RoomName room, Nickname user) {
        return presenceHoldersPrefix(room) + requireNonNull(user, "user").value();
    }

    /** What {@link #presenceHolders} keys of a room start with. */
    String presenceHoldersPrefix(RoomName room) {
        return roomKey(room, "holders:");
    }

    /** Set of rooms that have (or had) members, so a sweeper knows where to look for expired leases. */
    String presenceRooms() {
        return namespace + ":presence-rooms";
    }

    /** Hash of a session: nickname and rooms. */
    String session(SessionToken token) {
        return namespace + ":session:" + requireNonNull(token, "token").value();
    }

    /** A session's rate budget of one kind (a Bucket4j bucket). */
    String rate(SessionToken token, RateLimits.Kind kind) {
        return namespace + ":rate:" + kind.name().toLowerCase(Locale.ROOT) + ":"
                + requireNonNull(token, "token").value();
    }

    /** The token of the session that holds a nickname. */
    String nickname(Nickname nickname) {
        return namespace + ":nickname:" + requireNonNull(nickname, "nickname").value();
    }

    private String roomKey(RoomName room, String what) {
        return namespace + ":{r:" + requireNonNull(room, "room").value() + "}:" + what;
    }
}
