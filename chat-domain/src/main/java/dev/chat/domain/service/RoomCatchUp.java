package dev.chat.domain.service;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ActiveUsers;
import dev.chat.domain.model.ChatLimits;
import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.Cursor;
import dev.chat.domain.model.HistorySlice;
import dev.chat.domain.model.MembersPage;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.NotRecovered;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.RoomPosition;
import dev.chat.domain.model.ServerEvent;
import dev.chat.domain.port.out.EventEncoder;
import dev.chat.domain.port.out.MessageHistory;
import dev.chat.domain.port.out.PresenceStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What a member is sent when it enters a room or comes back to it, before live events: recent or missed messages,
 * and the room's members. Reads only; never sends. Gap-free: a resume either replays every missed message, or says
 * {@code notRecovered} and starts from the present, never half of each.
 */
final class RoomCatchUp {
    private static final int REPLAY_PAGE = 500;
    /**
     * Rooms whose joiners' messages stay encoded, at most: joins crowd into a few rooms at a time, and a room's
     * messages (up to {@code joinHistory} of 4,000 characters) are not kept for every room a node ever saw.
     */
    static final int ENCODED_ROOMS = 64;

    private final MessageHistory history;
    private final PresenceStore presence;
    private final EventEncoder encoder;
    private final int joinHistory;
    private final int memberListLimit;
    /**
     * Per room, the messages its latest joiner got, as encoded: the next joiner gets the same ones, or all but the
     * newest few, and reuses them (and their UTF-8 bytes) instead of encoding each once per joiner. A crowd joining a
     * chatty room otherwise encodes {@code joinHistory} messages per connect.
     */
    private final ConcurrentHashMap<RoomName, EncodedMessages> joinersMessages = new ConcurrentHashMap<>();

    /**
     * A catch-up: events to send, the highest message seq they cover, and why it is not an exact replay (null when it
     * is, or for a joiner).
     */
    record Events(List<OutboundEvent> events, long coveredThroughSeq, NotRecovered.Reason notRecovered) {}

    RoomCatchUp(MessageHistory history, PresenceStore presence, EventEncoder encoder, int joinHistory) {
        this(history, presence, encoder, joinHistory, ChatLimits.DEFAULT_MEMBER_LIST_LIMIT);
    }

    /** @param memberListLimit how many members a snapshot lists at most */
    RoomCatchUp(
            MessageHistory history,
            PresenceStore presence,
            EventEncoder encoder,
            int joinHistory,
            int memberListLimit) {
        this.history = requireNonNull(history, "history");
        this.presence = requireNonNull(presence, "presence");
        this.encoder = requireNonNull(encoder, "encoder");
        this.joinHistory = joinHistory;
        this.memberListLimit = memberListLimit;
    }

    /** How many members a snapshot reads: one more than it lists, to know whether it lists them all. */
    int snapshotReads() {
        return memberListLimit + 1;
    }

    /** How many of a room's latest messages a joiner is sent. */
    int joinHistory() {
        return joinHistory;
    }

    /**
     * For a joiner: the room's last few messages, then its members.
     *
     * @param first the room's first {@link #snapshotReads} members with its count, read after the joiner's add
     * @param latest the room's latest {@link #joinHistory} messages, read after the joiner's add
     */
    Events forJoiner(RoomName room, PresenceStore.FirstMembers first, HistorySlice latest) {
        RoomPosition now = new RoomPosition(latest.epoch(), latest.lastSeq());
        List<OutboundEvent> events = new ArrayList<>();
        EncodedMessages before = joinersMessages.get(room);
        for (ChatMessage message : latest.messages()) {
            OutboundEvent kept = before == null ? null : before.find(latest.epoch(), message);
            events.add(kept != null ? kept : encode(message));
        }
        if (!latest.messages().isEmpty()) {
            remember(room, new EncodedMessages(latest.epoch(), events));
        }
        events.add(encode(snapshot(room, now, first)));
        return new Events(events, now.seq(), null);
    }

    /**
     * For a member coming back with {@code cursor}: what it missed (or why not), then the room's members.
     *
     * @param first reads the room's first {@link #snapshotReads} members with its count, after the replay
     */
    Events forResume(RoomName room, Cursor cursor, Supplier<PresenceStore.FirstMembers> first) {
        RoomPosition now = history.position(room);
        List<OutboundEvent> events = new ArrayList<>();
        long coveredThrough = now.seq();
        NotRecovered.Reason notRecovered = null;
        Optional<RoomPosition> from = cursor.position(room);
        if (from.isEmpty()) {
            notRecovered = NotRecovered.Reason.NO_CURSOR;
        } else if (!from.get().epoch().equals(now.epoch())) {
            notRecovered = NotRecovered.Reason.EPOCH_CHANGED;
        } else {
            Replayed replayed = replay(room, from.get().seq(), events);
            coveredThrough = replayed.throughSeq();
            notRecovered = replayed.trimmed() ? NotRecovered.Reason.HISTORY_TRIMMED : null;
        }
        if (notRecovered != null) {
            events.add(encode(new NotRecovered(room, notRecovered)));
        }
        events.add(encode(snapshot(room, new RoomPosition(now.epoch(), coveredThrough), first.get())));
        return new Events(events, coveredThrough, notRecovered);
    }

    /** The room's members now, at its present position. */
    ActiveUsers snapshotNow(RoomName room) {
        return snapshot(room, history.position(room));
    }

    /** The room's members at the start of its current epoch, for members of a room whose history was lost. */
    ActiveUsers snapshotAfterLoss(RoomName room) {
        return snapshot(room, new RoomPosition(history.position(room).epoch(), 0));
    }

    /** How far a replay got, and whether it stopped because the history no longer held what was missed. */
    private record Replayed(long throughSeq, boolean trimmed) {}

    /** Adds the messages after {@code afterSeq} to {@code events}, unless some of them are gone. */
    private Replayed replay(RoomName room, long afterSeq, List<OutboundEvent> events) {
        long at = afterSeq;
        while (true) {
            HistorySlice slice = history.readAfter(room, at, REPLAY_PAGE);
            if (!slice.complete()) {
                return new Replayed(slice.lastSeq(), true); // a fresh start at the present
            }
            for (ChatMessage message : slice.messages()) {
                events.add(encode(message));
                at = message.seq();
            }
            if (slice.messages().isEmpty() || at >= slice.lastSeq()) {
                return new Replayed(at, false);
            }
        }
    }

    /**
     * The room's first members and how many there are: what a client gets when it joins or resumes does not grow with
     * the room. One more member than listed is read, to know whether the list is complete.
     */
    private ActiveUsers snapshot(RoomName room, RoomPosition position) {
        return snapshot(room, position, presence.firstMembers(room, snapshotReads()));
    }

    private ActiveUsers snapshot(RoomName room, RoomPosition position, PresenceStore.FirstMembers first) {
        boolean complete = first.members().size() <= memberListLimit;
        List<Nickname> listed = complete ? first.members() : first.members().subList(0, memberListLimit);
        return new ActiveUsers(room, listed, position, first.count(), complete);
    }

    /** A page of the room's members after {@code after}: for {@code members} requests. */
    MembersPage page(RoomName room, Nickname after, int limit, String ref) {
        List<Nickname> found = presence.page(room, after, limit + 1);
        if (found.size() <= limit) {
            return new MembersPage(room, found, null, ref);
        }
        List<Nickname> listed = found.subList(0, limit);
        return new MembersPage(room, listed, listed.get(limit - 1), ref);
    }

    private OutboundEvent encode(ServerEvent event) {
        return encoder.encode(event);
    }

    /** How many rooms' messages are kept encoded now. */
    int roomsWithEncodedMessages() {
        return joinersMessages.size();
    }

    private void remember(RoomName room, EncodedMessages messages) {
        if (joinersMessages.size() >= ENCODED_ROOMS && !joinersMessages.containsKey(room)) {
            joinersMessages.clear(); // crude but bounded: the rooms being joined now fill it again at once
        }
        joinersMessages.put(room, messages);
    }

    /** A room's messages of one epoch as encoded, in seq order (all of them {@link ChatMessage}s). */
    private static final class EncodedMessages {
        private final String epoch;
        private final long[] seqs;
        private final OutboundEvent[] events;

        EncodedMessages(String epoch, List<OutboundEvent> messages) {
            this.epoch = epoch;
            this.events = messages.toArray(OutboundEvent[]::new);
            this.seqs = new long[events.length];
            for (int i = 0; i < events.length; i++) {
                seqs[i] = ((ChatMessage) events[i].event()).seq();
            }
        }

        /** {@code message} as encoded before, or null; the whole message must match, not only its place. */
        OutboundEvent find(String epoch, ChatMessage message) {
            if (!this.epoch.equals(epoch)) {
                return null;
            }
            int at = Arrays.binarySearch(seqs, message.seq());
            return at >= 0 && events[at].event().equals(message) ? events[at] : null;
        }
    }
}
