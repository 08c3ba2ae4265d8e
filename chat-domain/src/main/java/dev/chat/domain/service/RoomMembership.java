package dev.chat.domain.service;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.Nickname;
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
 * back until the member's catch-up (replayed messages and the room snapshot) has been sent, then releases them,
 * dropping messages the catch-up already had. The member never sees an event before its snapshot, never misses one
 * after it, and never gets a message twice.
 */
final class RoomMembership {
    /** Events a priming member may hold back; more means the snapshot is stuck, so the client must resume. */
    static final int MAX_HELD_EVENTS = 10_000;

    private final RoomName room;
    private final Nickname user;
    private final ClientConnection connection;
    private List<OutboundEvent> heldBack = new ArrayList<>();

    RoomMembership(RoomName room, Nickname user, ClientConnection connection) {
        this.room = requireNonNull(room, "room");
        this.user = requireNonNull(user, "user");
        this.connection = requireNonNull(connection, "connection");
    }

    RoomName room() {
        return room;
    }

    ClientConnection connection() {
        return connection;
    }

    void deliver(RoomEvent event, OutboundEvent encoded) {
        if (isAboutSelf(event)) {
            return; // you are told of others arriving and leaving, not of yourself
        }
        synchronized (this) {
            if (heldBack != null) {
                heldBack.add(encoded);
                if (heldBack.size() > MAX_HELD_EVENTS) {
                    heldBack = List.of();
                    connection.close(CloseReason.SLOW_CONSUMER);
                }
                return;
            }
            connection.send(encoded);
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
            catchUp.forEach(connection::send);
            for (OutboundEvent event : heldBack) {
                if (!(event.event() instanceof ChatMessage message && message.seq() <= coveredThroughSeq)) {
                    connection.send(event);
                }
            }
            heldBack = null;
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
