package dev.chat.domain.service;

import dev.chat.domain.model.Identity;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SessionRecord;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.model.SmallSets;
import dev.chat.domain.port.out.ClientConnection;
import dev.chat.domain.port.out.Scheduler;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A session this node serves: attached to a connection, or waiting out its reconnect grace. Its fields are guarded
 * by its own lock, except where a comment says otherwise.
 */
final class LocalSession {
    /**
     * The starting capacity of the memberships below: most sessions are in a room or two, and the default (16) would
     * keep about 60 unused bytes for each connection of a node.
     */
    private static final int ROOMS_MOST_HAVE = 2;

    final SessionToken token;
    final Nickname nickname;
    /** The session's rooms: an immutable set, replaced under the lock, read without it when posting. */
    private volatile Set<RoomName> rooms = Set.of();
    /**
     * Rooms the session may still be listed in though it is not in them: an arrival was undone but the store did not
     * answer the undo. The expiry leaves them too. Like the next, an immutable set replaced on change: almost always
     * empty, and then it costs a connection nothing.
     */
    Set<RoomName> maybeListed = Set.of();
    /** Rooms the session was taken out of whose departure is still to be told (the bus did not answer). */
    Set<RoomName> departuresUntold = Set.of();
    /** Where the rooms are delivered while connected; empty while detached. */
    final Map<RoomName, RoomMembership> memberships = new HashMap<>(ROOMS_MOST_HAVE);

    ClientConnection connection;
    /** The grace timer (or expiry retry) while detached; null while connected. */
    Scheduler.Cancellable expiry;
    /** A signed-in session's warning and end of its sign-in; null for anonymous ones. */
    Scheduler.Cancellable signInWarning;

    Scheduler.Cancellable signInEnd;
    /** Counts detachments, so an expiry scheduled for an earlier one does nothing. */
    int detachGeneration;
    /** Expired, or taken over by another node: this object no longer serves the session. */
    volatile boolean ended;

    /** Who the session belongs to; replaced (under the lock) when a signed-in user refreshes its token. */
    volatile Identity identity;

    LocalSession(SessionToken token, Nickname nickname, Identity identity) {
        this.token = token;
        this.nickname = nickname;
        this.identity = identity;
    }

    /** The session's rooms as they are now; the set never changes. */
    Set<RoomName> rooms() {
        return rooms;
    }

    /** The session's rooms in name order, as its client is shown them. */
    List<RoomName> roomsInOrder() {
        return rooms.stream().sorted().toList();
    }

    /** Called under the lock (or before the session is shared), as are the next three. */
    void addRoom(RoomName room) {
        rooms = SmallSets.with(rooms, room);
    }

    void addRooms(Collection<RoomName> more) {
        more.forEach(this::addRoom);
    }

    void removeRoom(RoomName room) {
        rooms = SmallSets.without(rooms, room);
    }

    void clearRooms() {
        rooms = Set.of();
    }

    /** What the store keeps of the session, with these rooms. */
    SessionRecord record(Set<RoomName> withRooms) {
        return new SessionRecord(token, nickname, withRooms, identity);
    }

    void cancelSignIn() {
        if (signInWarning != null) {
            signInWarning.cancel();
            signInWarning = null;
        }
        if (signInEnd != null) {
            signInEnd.cancel();
            signInEnd = null;
        }
    }

    void cancelExpiry() {
        if (expiry != null) {
            expiry.cancel();
            expiry = null;
        }
    }
}
