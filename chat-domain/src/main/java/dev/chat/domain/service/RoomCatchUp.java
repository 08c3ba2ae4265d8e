package dev.chat.domain.service;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ActiveUsers;
import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.Cursor;
import dev.chat.domain.model.HistorySlice;
import dev.chat.domain.model.NotRecovered;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.RoomPosition;
import dev.chat.domain.model.ServerEvent;
import dev.chat.domain.port.out.EventEncoder;
import dev.chat.domain.port.out.MessageHistory;
import dev.chat.domain.port.out.PresenceStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a member is sent when it enters a room or comes back to it, before live events: recent or missed messages,
 * and the room's members. Reads only; never sends. Gap-free: a resume either replays every missed message, or says
 * {@code notRecovered} and starts from the present, never half of each.
 */
final class RoomCatchUp {
    private static final int REPLAY_PAGE = 500;

    private final MessageHistory history;
    private final PresenceStore presence;
    private final EventEncoder encoder;
    private final int joinHistory;

    /** A catch-up: events to send, and the highest message seq they cover. */
    record Events(List<OutboundEvent> events, long coveredThroughSeq) {}

    RoomCatchUp(MessageHistory history, PresenceStore presence, EventEncoder encoder, int joinHistory) {
        this.history = requireNonNull(history, "history");
        this.presence = requireNonNull(presence, "presence");
        this.encoder = requireNonNull(encoder, "encoder");
        this.joinHistory = joinHistory;
    }

    /** For a joiner: the room's last few messages, then its members. */
    Events forJoiner(RoomName room) {
        RoomPosition now = history.position(room);
        List<OutboundEvent> events = new ArrayList<>();
        if (joinHistory > 0 && now.seq() > 0) {
            long from = Math.max(0, now.seq() - joinHistory);
            for (ChatMessage message :
                    history.readAfter(room, from, joinHistory).messages()) {
                if (message.seq() <= now.seq()) {
                    events.add(encode(message));
                }
            }
        }
        events.add(encode(snapshot(room, now)));
        return new Events(events, now.seq());
    }

    /** For a member coming back with {@code cursor}: what it missed (or why not), then the room's members. */
    Events forResume(RoomName room, Cursor cursor) {
        RoomPosition now = history.position(room);
        List<OutboundEvent> events = new ArrayList<>();
        long coveredThrough = now.seq();
        Optional<RoomPosition> from = cursor.position(room);
        if (from.isEmpty()) {
            events.add(encode(new NotRecovered(room, NotRecovered.Reason.NO_CURSOR)));
        } else if (!from.get().epoch().equals(now.epoch())) {
            events.add(encode(new NotRecovered(room, NotRecovered.Reason.EPOCH_CHANGED)));
        } else {
            coveredThrough = replay(room, from.get().seq(), events);
        }
        events.add(encode(snapshot(room, new RoomPosition(now.epoch(), coveredThrough))));
        return new Events(events, coveredThrough);
    }

    /** The room's members now, at its present position. */
    ActiveUsers snapshotNow(RoomName room) {
        return snapshot(room, history.position(room));
    }

    /** The room's members at the start of its current epoch, for members of a room whose history was lost. */
    ActiveUsers snapshotAfterLoss(RoomName room) {
        return snapshot(room, new RoomPosition(history.position(room).epoch(), 0));
    }

    /**
     * Adds the messages after {@code afterSeq} to {@code events}, or a not-recovered notice if some are gone.
     *
     * @return the seq the client is at afterwards
     */
    private long replay(RoomName room, long afterSeq, List<OutboundEvent> events) {
        long at = afterSeq;
        while (true) {
            HistorySlice slice = history.readAfter(room, at, REPLAY_PAGE);
            if (!slice.complete()) {
                events.add(encode(new NotRecovered(room, NotRecovered.Reason.HISTORY_TRIMMED)));
                return slice.lastSeq(); // a fresh start at the present, nothing half-replayed
            }
            for (ChatMessage message : slice.messages()) {
                events.add(encode(message));
                at = message.seq();
            }
            if (slice.messages().isEmpty() || at >= slice.lastSeq()) {
                return at;
            }
        }
    }

    private ActiveUsers snapshot(RoomName room, RoomPosition position) {
        return new ActiveUsers(room, presence.members(room), position);
    }

    private OutboundEvent encode(ServerEvent event) {
        return encoder.encode(event);
    }
}
