package dev.chat.domain.service;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.NotRecovered;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.model.RoomEvent;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.UserConnected;
import dev.chat.domain.model.UserDisconnected;
import dev.chat.domain.port.out.ClientConnection;
import java.util.ArrayList;
import java.util.List;

/**
 * One connection's place in one room on this node.
 *
 * <p>A new membership is <em>priming</em>: it is attached to the room (so it misses nothing) but holds live events
 * back until the member's catch-up (replayed messages and the room snapshot) has been sent, then releases them. From
 * then on it passes each message on once: one at or below the highest seq it has sent is a repeat (a bus that
 * back-fills after losing its connection may bring messages the catch-up already had) and is dropped, until the bus
 * reports the room's history lost and seqs start again. The member never sees an event before its snapshot, never
 * misses one after it, and never gets a message twice.
 */
final class RoomMembership {
    /** Events a priming member may hold back; more means the snapshot is stuck, so the client must resume. */
    static final int MAX_HELD_EVENTS = 10_000;

    private final RoomName room;
    private final Nickname user;
    private final ClientConnection connection;
    /** Held while priming; null once live. Guarded by this. */
    private List<OutboundEvent> heldBack = new ArrayList<>();
    /** Closed as a slow consumer, or broken: it passes nothing on any more. Guarded by this. */
    private boolean failed;
    /** The highest message seq the member has (sent or covered by its catch-up); guarded by this. */
    private long hasThroughSeq;
    /**
     * How many events its room had held for a burst when it was attached (RoomHub): its snapshot shows those. Set
     * before the membership is published to the room's members.
     */
    private long attachedAfterHeld;

    RoomMembership(RoomName room, Nickname user, ClientConnection connection) {
        this.room = requireNonNull(room, "room");
        this.user = requireNonNull(user, "user");
        this.connection = requireNonNull(connection, "connection");
    }

    RoomName room() {
        return room;
    }

    void attachedAfterHeld(long heldSoFar) {
        attachedAfterHeld = heldSoFar;
    }

    long attachedAfterHeld() {
        return attachedAfterHeld;
    }

    ClientConnection connection() {
        return connection;
    }

    void deliver(RoomEvent event, OutboundEvent encoded) {
        synchronized (this) {
            if (passesNow(event, encoded)) {
                connection.send(encoded);
            }
        }
    }

    /**
     * A run of the room's events ({@code encoded} in the same order, shared by every member), as {@link #deliver}
     * each, sent at once. A member's own list is made only when something of the run is not for it.
     */
    void deliverAll(List<RoomEvent> events, List<OutboundEvent> encoded) {
        synchronized (this) {
            List<OutboundEvent> some = null;
            for (int i = 0; i < events.size(); i++) {
                boolean passes = passesNow(events.get(i), encoded.get(i));
                if (some != null && passes) {
                    some.add(encoded.get(i));
                } else if (some == null && !passes) {
                    some = new ArrayList<>(encoded.subList(0, i));
                }
            }
            List<OutboundEvent> now = some == null ? encoded : some;
            if (!now.isEmpty()) {
                connection.sendAll(now);
            }
        }
    }

    /**
     * True if the event goes to the member now; false if it is about the member (you are told of others arriving
     * and leaving, not of yourself), a repeat, held back while priming, or the member failed. Caller locks.
     */
    private boolean passesNow(RoomEvent event, OutboundEvent encoded) {
        if (isAboutSelf(event) || failedOrHeld(encoded)) {
            return false;
        }
        if (event instanceof ChatMessage message) {
            if (message.seq() <= hasThroughSeq) {
                return false;
            }
            hasThroughSeq = message.seq();
        }
        return true;
    }

    /** A frame of this node's own about the room (a big room's presence change): held while priming, like events. */
    void deliverLocal(OutboundEvent encoded) {
        synchronized (this) {
            if (!failedOrHeld(encoded)) {
                connection.send(encoded);
            }
        }
    }

    /** True if the frame is not to be sent now: the member failed, or is priming (then it is held). Caller locks. */
    private boolean failedOrHeld(OutboundEvent encoded) {
        if (failed) {
            return true;
        }
        if (heldBack != null) {
            hold(encoded);
            return true;
        }
        return false;
    }

    /**
     * The room's history was lost: the member is told so ({@code notice}) with a fresh {@code snapshot} (or without
     * one, if it could not be read), and the new epoch's messages follow from seq 1.
     */
    void historyLost(OutboundEvent notice, OutboundEvent snapshot) {
        synchronized (this) {
            if (failed) {
                return;
            }
            if (heldBack != null) {
                hold(notice);
                if (snapshot != null) {
                    hold(snapshot);
                }
                return;
            }
            hasThroughSeq = 0;
            connection.send(notice);
            if (snapshot != null) {
                connection.send(snapshot);
            }
        }
    }

    /**
     * Sends the catch-up events (replayed messages, the snapshot), then what was held back since attaching except
     * messages the catch-up already covered, then goes live.
     *
     * @param coveredThroughSeq messages with a seq up to this one are not sent again
     */
    void completePriming(List<OutboundEvent> catchUp, long coveredThroughSeq) {
        synchronized (this) {
            if (failed) {
                return; // its connection is closed: the client resumes
            }
            List<OutboundEvent> now = new ArrayList<>(catchUp.size() + heldBack.size());
            now.addAll(catchUp);
            long has = coveredThroughSeq;
            for (OutboundEvent event : heldBack) {
                if (event.event() instanceof NotRecovered) {
                    has = 0; // the history was lost while priming: the new epoch's messages follow
                } else if (event.event() instanceof ChatMessage message) {
                    if (message.seq() <= has) {
                        continue;
                    }
                    has = message.seq();
                }
                now.add(event);
            }
            hasThroughSeq = has;
            heldBack = null;
            if (!now.isEmpty()) {
                connection.sendAll(now);
            }
        }
    }

    /** Delivering to this member failed: its connection is closed (the client resumes) and it takes no more. */
    void fail() {
        synchronized (this) {
            failed = true;
            heldBack = null;
        }
        connection.close(CloseReason.SLOW_CONSUMER);
    }

    /** Caller holds the lock, and the membership is priming. */
    private void hold(OutboundEvent event) {
        heldBack.add(event);
        if (heldBack.size() > MAX_HELD_EVENTS) {
            failed = true; // its snapshot is stuck: the client must resume
            heldBack = null;
            connection.close(CloseReason.SLOW_CONSUMER);
        }
    }

    private boolean isAboutSelf(RoomEvent event) {
        if (event instanceof UserConnected connected) {
            return connected.user().equals(user);
        }
        return event instanceof UserDisconnected disconnected
                && disconnected.user().equals(user);
    }
}
