package dev.chat.domain.service;

import dev.chat.domain.model.Identity;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SessionRecord;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.ClientConnection;
import dev.chat.domain.port.out.Scheduler;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * A session this node serves: attached to a connection, or waiting out its reconnect grace. Its fields are guarded
 * by its own lock, except where a comment says otherwise.
 */
final class LocalSession {
    final SessionToken token;
    final Nickname nickname;
    /** The session's rooms; written under the lock, read without it when posting. */
    final Set<RoomName> rooms = new ConcurrentSkipListSet<>();
    /**
     * Rooms the session may still be listed in though it is not in them: an arrival was undone but the store did not
     * answer the undo. The expiry leaves them too.
     */
    final Set<RoomName> maybeListed = new HashSet<>();
    /** Rooms the session was taken out of whose departure is still to be told (the bus did not answer). */
    final Set<RoomName> departuresUntold = new HashSet<>();
    /** Where the rooms are delivered while connected; empty while detached. */
    final Map<RoomName, RoomMembership> memberships = new HashMap<>();

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
