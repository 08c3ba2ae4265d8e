package dev.chat.domain.service;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.Cursor;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SmallSets;
import dev.chat.domain.model.UserConnected;
import dev.chat.domain.model.UserDisconnected;
import dev.chat.domain.port.out.ChatMetrics;
import dev.chat.domain.port.out.EventBus;
import dev.chat.domain.port.out.MessageHistory;
import dev.chat.domain.port.out.PresenceStore;
import dev.chat.domain.port.out.RoomEntry;
import dev.chat.domain.port.out.SessionStore;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Puts a session in rooms and takes it out: listed in presence, saved with the session, delivered to on this node,
 * announced to the room. Entering and leaving are all or nothing: a step that fails undoes the ones before it, and
 * itself, since a store that timed out may still carry the step out (each undo is harmless if it did not). Every
 * method expects the caller to hold the session's lock.
 */
final class SessionRooms {
    private final SessionStore sessions;
    private final PresenceStore presence;
    private final MessageHistory history;
    private final RoomEntry entry;
    private final EventBus bus;
    private final RoomHub hub;
    private final RoomCatchUp catchUp;
    private final ChatMetrics metrics;

    SessionRooms(
            SessionStore sessions,
            PresenceStore presence,
            MessageHistory history,
            RoomEntry entry,
            EventBus bus,
            RoomHub hub,
            RoomCatchUp catchUp,
            ChatMetrics metrics) {
        this.sessions = requireNonNull(sessions, "sessions");
        this.presence = requireNonNull(presence, "presence");
        this.history = requireNonNull(history, "history");
        this.entry = requireNonNull(entry, "entry");
        this.bus = requireNonNull(bus, "bus");
        this.hub = requireNonNull(hub, "hub");
        this.catchUp = requireNonNull(catchUp, "catchUp");
        this.metrics = requireNonNull(metrics, "metrics");
    }

    /**
     * Puts the session in a room it was not in: listed, saved, delivered to (when connected) with its catch-up, and
     * announced; or, if any step fails, none of these.
     *
     * @param save whether the session's stored record must be updated (not when it was created with the room)
     * @return the room's seq the member starts at
     */
    long enter(LocalSession session, RoomName room, boolean save) {
        Undo undo = new Undo();
        RoomMembership membership = null;
        RoomCatchUp.Events events = null;
        long seq;
        try {
            // Saved first, so that the announcement is the last step: it cannot be taken back, only answered.
            if (save) {
                Set<RoomName> before = session.rooms();
                undo.add(() -> save(session, before)); // first: a save that timed out may still land
                save(session, SmallSets.with(before, room));
            }
            if (session.connection != null) {
                Joining joining = beginJoining(session, room, undo);
                membership = joining.membership;
                RoomEntry.Entered entered = entry.enter(
                        room, session.nickname, session.token, membersToRead(joining.known), catchUp.joinHistory());
                events = shownToJoiner(session, room, joining, entered);
                seq = events.coveredThroughSeq();
            } else {
                listing(session, room, undo);
                boolean arrived = presence.add(room, session.nickname, session.token);
                seq = history.position(room).seq();
                if (arrived) { // false when another session of the same user is in the room already
                    bus.publish(new UserConnected(room, session.nickname));
                }
            }
        } catch (RuntimeException e) {
            throw undo.rollBack(e);
        }
        commit(session, room, membership, events);
        return seq;
    }

    /**
     * {@link #enter} for a session being connected into its first room, without a thread waiting on the store: the
     * stage completes on the thread that read the store's reply, under the session's lock. A failure is undone first
     * (on {@code undoOn} when it came from another thread: an undo waits on stores), then fails the stage. Caller
     * holds the session's lock.
     */
    CompletionStage<Void> enterConnecting(LocalSession session, RoomName room, Executor undoOn) {
        Undo undo = new Undo();
        Joining joining;
        try {
            joining = beginJoining(session, room, undo);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(undo.rollBack(e));
        }
        CallScope call = new CallScope();
        CompletableFuture<Void> entered = new CompletableFuture<>();
        CompletableFuture<RoomEntry.Entered> reply = entry.enterAsync(
                        room, session.nickname, session.token, membersToRead(joining.known), catchUp.joinHistory())
                .toCompletableFuture();
        if (reply.isDone()) { // a store that answered at once: no stage machinery on the in-memory path
            afterEntry(session, room, joining, undo, Stages.outcome(reply), call, undoOn, entered);
        } else {
            reply.whenComplete((done, failure) -> afterEntry(
                    session, room, joining, undo, new Stages.Outcome<>(done, failure), call, undoOn, entered));
        }
        call.returned();
        return entered;
    }

    /** Commits the room from the entry's reply, or undoes the entry (off the reply thread) and fails. */
    private void afterEntry(
            LocalSession session,
            RoomName room,
            Joining joining,
            Undo undo,
            Stages.Outcome<RoomEntry.Entered> reply,
            CallScope call,
            Executor undoOn,
            CompletableFuture<Void> entered) {
        RuntimeException failed = reply.failure();
        if (failed == null) {
            synchronized (session) {
                try {
                    commit(session, room, joining.membership, shownToJoiner(session, room, joining, reply.value()));
                    entered.complete(null);
                    return;
                } catch (RuntimeException e) {
                    failed = e;
                }
            }
        }
        RuntimeException cause = failed;
        call.runOffReplyThread(
                () -> {
                    synchronized (session) {
                        entered.completeExceptionally(undo.rollBack(cause));
                    }
                },
                undoOn);
    }

    /** The session may be listed in the room from now on: until the add is known undone or the room committed. */
    private void listing(LocalSession session, RoomName room, Undo undo) {
        session.maybeListed = SmallSets.with(session.maybeListed, room);
        // Undone even if the add itself failed: a store that timed out may still carry it out, and announce it.
        // If the member was taken out, the room hears it leave; if this fails too, the session's end retries.
        undo.add(() -> {
            unlist(session, room);
            session.maybeListed = SmallSets.without(session.maybeListed, room);
        });
    }

    /** A joiner attached to the room here, and what the store is asked for its entry. */
    private record Joining(RoomMembership membership, RoomHub.KnownFirstMembers known) {}

    /**
     * The steps of a connected session's entry before the store's: it may be listed from now on, and it is attached
     * first, so that it misses nothing after the snapshot (it holds events until its catch-up). Each step's undo is on
     * {@code undo}.
     */
    private Joining beginJoining(LocalSession session, RoomName room, Undo undo) {
        listing(session, room, undo);
        RoomMembership attached = new RoomMembership(room, session.nickname, session.connection);
        hub.attach(attached); // undoes itself if the bus refuses
        undo.add(() -> hub.detach(attached));
        // The add, its announcement and what the joiner is shown, in one go (one Redis round trip); the room's first
        // members only if no joiner here read them lately (the count is read either way).
        return new Joining(attached, hub.knownFirstMembers(room));
    }

    private RoomCatchUp.Events shownToJoiner(
            LocalSession session, RoomName room, Joining joining, RoomEntry.Entered entered) {
        PresenceStore.FirstMembers first = shown(room, session, joining.known, entered.first());
        return catchUp.forJoiner(room, first, entered.latest());
    }

    /** The room is the session's: nothing here touches a store. */
    private static void commit(
            LocalSession session, RoomName room, RoomMembership membership, RoomCatchUp.Events events) {
        session.maybeListed = SmallSets.without(session.maybeListed, room);
        session.addRoom(room);
        if (membership != null) {
            session.memberships.put(room, membership);
            membership.completePriming(events.events(), events.coveredThroughSeq());
        }
    }

    /**
     * Takes the session out of a room it is in: saved, unlisted and announced, then no longer delivered to; or, if a
     * step fails, still fully in it.
     *
     * @return the room's seq when the member left
     */
    long leave(LocalSession session, RoomName room) {
        Undo undo = new Undo();
        long seq;
        try {
            seq = history.position(room).seq();
            Set<RoomName> before = session.rooms();
            undo.add(() -> save(session, before)); // first: a save that timed out may still land
            save(session, SmallSets.without(before, room));
            // Undone even if the remove itself failed: a store that timed out may still carry it out.
            undo.add(() -> presence.add(room, session.nickname, session.token));
            boolean wasListed = presence.remove(room, session.nickname, session.token); // its last session there
            if (wasListed) {
                undo.add(() -> bus.publish(new UserConnected(room, session.nickname))); // as in enter
                bus.publish(new UserDisconnected(room, session.nickname));
            }
        } catch (RuntimeException e) {
            throw undo.rollBack(e);
        }
        // Committed: nothing below touches a store.
        session.removeRoom(room);
        RoomMembership membership = session.memberships.remove(room);
        if (membership != null) {
            hub.detach(membership);
        }
        return seq;
    }

    /** Delivers a room the session is in to its (new) connection again, starting with what it missed. */
    void reattach(LocalSession session, RoomName room, Cursor cursor) {
        RoomMembership membership = new RoomMembership(room, session.nickname, session.connection);
        hub.attach(membership);
        session.memberships.put(room, membership);
        RoomHub.KnownFirstMembers known = hub.knownFirstMembers(room);
        RoomCatchUp.Events events = catchUp.forResume(
                room, cursor, () -> shown(room, session, known, presence.firstMembers(room, membersToRead(known))));
        metrics.resumed(events.notRecovered());
        membership.completePriming(events.events(), events.coveredThroughSeq());
    }

    /** How many of the room's first members to read: none (the count alone) when another member here read them. */
    private int membersToRead(RoomHub.KnownFirstMembers known) {
        return known.members() == null ? catchUp.snapshotReads() : 0;
    }

    /**
     * The room's first members shown to a session attached to it, from what the store gave for
     * {@link #membersToRead}: those another member here read lately, with the session's member among them if it
     * sorts there and the store's count; or the store's read itself, kept for the next ones.
     */
    private PresenceStore.FirstMembers shown(
            RoomName room,
            LocalSession session,
            RoomHub.KnownFirstMembers known,
            PresenceStore.FirstMembers fromStore) {
        int reads = catchUp.snapshotReads();
        if (known.members() == null) {
            hub.keepFirstMembers(room, known.generation(), fromStore, reads);
            return fromStore;
        }
        return known.members().with(session.nickname, fromStore.count(), reads);
    }

    /** Stops delivering the session's rooms to this node (its connection ended or was replaced). */
    void detachAll(LocalSession session) {
        session.memberships.values().forEach(hub::detach);
        session.memberships.clear();
    }

    /**
     * A session this node took over: it keeps the session's presence alive from now on. A member whose old node died
     * long enough ago was already announced as gone, so its return is announced.
     */
    void relist(LocalSession session, List<RoomName> rooms) {
        for (RoomName room : rooms) {
            if (presence.add(room, session.nickname, session.token)) {
                bus.publish(new UserConnected(room, session.nickname));
            }
        }
    }

    /** Takes the member out of the room's list and tells the room, once, even if a first try failed half-way. */
    void unlist(LocalSession session, RoomName room) {
        if (presence.remove(room, session.nickname, session.token)) {
            session.departuresUntold = SmallSets.with(session.departuresUntold, room);
        }
        if (session.departuresUntold.contains(room)) {
            bus.publish(new UserDisconnected(room, session.nickname));
            session.departuresUntold = SmallSets.without(session.departuresUntold, room);
        }
    }

    private void save(LocalSession session, Set<RoomName> rooms) {
        sessions.update(session.record(Set.copyOf(rooms)));
    }
}
