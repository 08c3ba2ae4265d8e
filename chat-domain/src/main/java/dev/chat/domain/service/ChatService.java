package dev.chat.domain.service;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.Ack;
import dev.chat.domain.model.ActiveUsers;
import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ChatLimits;
import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.ClientCommand;
import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.Cursor;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.HistorySlice;
import dev.chat.domain.model.JoinRoom;
import dev.chat.domain.model.LeaveRoom;
import dev.chat.domain.model.MessageDraft;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.NotRecovered;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.RoomPosition;
import dev.chat.domain.model.SendMessage;
import dev.chat.domain.model.ServerEvent;
import dev.chat.domain.model.SessionElsewhereException;
import dev.chat.domain.model.SessionRecord;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.model.UserConnected;
import dev.chat.domain.model.UserDisconnected;
import dev.chat.domain.model.Welcome;
import dev.chat.domain.port.in.ConnectUseCase;
import dev.chat.domain.port.in.DisconnectUseCase;
import dev.chat.domain.port.in.HandleCommandUseCase;
import dev.chat.domain.port.in.ResumeUseCase;
import dev.chat.domain.port.out.ClientConnection;
import dev.chat.domain.port.out.EventBus;
import dev.chat.domain.port.out.EventEncoder;
import dev.chat.domain.port.out.MessageHistory;
import dev.chat.domain.port.out.NicknameGenerator;
import dev.chat.domain.port.out.PresenceStore;
import dev.chat.domain.port.out.Scheduler;
import dev.chat.domain.port.out.SessionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The chat's use cases on one node. Thread-safe; the commands and connection changes of one session are applied
 * one at a time.
 */
public final class ChatService implements ConnectUseCase, ResumeUseCase, HandleCommandUseCase, DisconnectUseCase {
    /** Generated nicknames tried before a numeric suffix is added. */
    static final int PLAIN_NICKNAME_ATTEMPTS = 20;

    private static final int SUFFIXED_NICKNAME_ATTEMPTS = 1_000;
    private static final int REPLAY_PAGE = 500;
    /** How soon an expiry that found the session store down tries again. */
    private static final Duration EXPIRY_RETRY = Duration.ofSeconds(1);

    private final Ports ports;
    private final ChatLimits limits;
    private final RoomHub hub;
    private final ConcurrentHashMap<SessionToken, LocalSession> localSessions = new ConcurrentHashMap<>();

    public ChatService(Ports ports, ChatLimits limits) {
        this.ports = requireNonNull(ports, "ports");
        this.limits = requireNonNull(limits, "limits");
        // After a loss the room starts over: the new epoch's messages follow from seq 1.
        this.hub = new RoomHub(
                ports.bus(),
                ports.encoder(),
                room -> snapshot(
                        room, new RoomPosition(ports.history().position(room).epoch(), 0)));
        ports.sessions().onTakenOver(this::takenOver);
    }

    /** The driven ports the service works with. */
    public record Ports(
            SessionStore sessions,
            PresenceStore presence,
            MessageHistory history,
            EventBus bus,
            NicknameGenerator nicknames,
            EventEncoder encoder,
            Clock clock,
            Scheduler scheduler) {
        public Ports {
            requireNonNull(sessions, "sessions");
            requireNonNull(presence, "presence");
            requireNonNull(history, "history");
            requireNonNull(bus, "bus");
            requireNonNull(nicknames, "nicknames");
            requireNonNull(encoder, "encoder");
            requireNonNull(clock, "clock");
            requireNonNull(scheduler, "scheduler");
        }
    }

    @Override
    public SessionToken connect(ClientConnection connection) {
        requireNonNull(connection, "connection");
        SessionRecord record = createSession(Set.of(RoomName.GENERAL));
        LocalSession session = new LocalSession(record.token(), record.nickname());
        localSessions.put(session.token, session);
        synchronized (session) {
            session.connection = connection;
            connection.send(encode(new Welcome(session.nickname, session.token, List.of(RoomName.GENERAL), false)));
            enterRoom(session, RoomName.GENERAL);
        }
        return session.token;
    }

    @Override
    public void resume(SessionToken token, Cursor cursor, ClientConnection connection) {
        requireNonNull(cursor, "cursor");
        requireNonNull(connection, "connection");
        // Claiming first makes this node the session's owner, wherever it was served before (the old owner lets go).
        SessionRecord record =
                ports.sessions().claim(requireNonNull(token, "token")).orElseThrow(ChatService::unknownSession);
        LocalSession session = localSessions.get(token);
        boolean adopted = false;
        if (session == null) {
            LocalSession fresh = new LocalSession(record.token(), record.nickname());
            fresh.rooms.addAll(record.rooms());
            session = localSessions.putIfAbsent(token, fresh);
            adopted = session == null;
            session = adopted ? fresh : session;
        }
        synchronized (session) {
            if (session.ended) {
                throw unknownSession();
            }
            session.cancelExpiry();
            ClientConnection previous = session.connection;
            session.connection = connection; // first, so the old connection's end is seen as a replaced one's
            if (previous != null && previous != connection) {
                detachMemberships(session);
                previous.close(CloseReason.REPLACED);
            }
            List<RoomName> rooms = List.copyOf(session.rooms);
            if (adopted) {
                rejoinPresence(session, rooms); // before the snapshots, which list the member
            }
            connection.send(encode(new Welcome(session.nickname, session.token, rooms, true)));
            for (RoomName room : rooms) {
                attachWithCatchUp(session, room, cursor);
            }
        }
    }

    @Override
    public void authorize(SessionToken token) {
        if (localSessions.get(requireNonNull(token, "token")) == null) {
            storedSession(token);
        }
    }

    @Override
    public Ack handle(SessionToken token, ClientCommand command) {
        requireNonNull(command, "command");
        LocalSession local = localSessions.get(requireNonNull(token, "token"));
        if (local == null) {
            SessionRecord remote = storedSession(token);
            if (command instanceof SendMessage send) {
                return postForRemoteSession(remote, send);
            }
            throw new SessionElsewhereException(); // joining and leaving change the serving node's connection
        }
        LocalSession session = activeSession(token);
        if (command instanceof SendMessage send) {
            return post(session, send);
        }
        if (command instanceof JoinRoom join) {
            return join(session, join);
        }
        return leave(session, (LeaveRoom) command);
    }

    @Override
    public void disconnect(SessionToken token, ClientConnection connection) {
        LocalSession session = localSessions.get(requireNonNull(token, "token"));
        if (session == null) {
            return;
        }
        synchronized (session) {
            if (session.connection != connection) {
                return; // a replaced connection ending: the session lives on elsewhere
            }
            detachMemberships(session);
            session.connection = null;
            int generation = ++session.detachGeneration;
            session.expiry = ports.scheduler().schedule(limits.reconnectGrace(), () -> expire(session, generation));
        }
    }

    /** Sessions on this node, connected or within their reconnect grace. */
    public int localSessionCount() {
        return localSessions.size();
    }

    /**
     * A session served by another node (shared stores) sending through this one: the message needs only who and which
     * rooms, both in the session record, and the history's idempotency keys make a retry land once on any node.
     */
    private Ack postForRemoteSession(SessionRecord record, SendMessage send) {
        return append(record.token(), record.nickname(), record.rooms(), send);
    }

    private SessionRecord storedSession(SessionToken token) {
        return ports.sessions().find(token).orElseThrow(ChatService::unknownSession);
    }

    private LocalSession activeSession(SessionToken token) {
        LocalSession session = localSessions.get(requireNonNull(token, "token"));
        if (session == null || session.ended) {
            throw unknownSession();
        }
        return session;
    }

    private void expire(LocalSession session, int generation) {
        synchronized (session) {
            if (session.connection != null || session.ended || session.detachGeneration != generation) {
                return;
            }
            boolean stillOurs;
            try {
                stillOurs = ports.sessions().release(session.token);
            } catch (ChatException storeDown) {
                session.expiry = ports.scheduler().schedule(EXPIRY_RETRY, () -> expire(session, generation));
                return;
            }
            session.ended = true;
            localSessions.remove(session.token, session);
            if (stillOurs) { // else a node that took the session over keeps its presence
                for (RoomName room : List.copyOf(session.rooms)) {
                    try {
                        leavePresence(session, room);
                    } catch (ChatException storeDown) {
                        // this node stopped renewing the member's lease: it lapses, and the departure is told then
                    }
                }
            }
            session.rooms.clear();
        }
    }

    /** Another node took the session over (its client resumed there): let it go without telling anyone it left. */
    private void takenOver(SessionToken token) {
        LocalSession session = localSessions.remove(token);
        if (session == null) {
            return;
        }
        synchronized (session) {
            session.ended = true;
            session.cancelExpiry();
            detachMemberships(session);
            ClientConnection connection = session.connection;
            session.connection = null;
            if (connection != null) {
                connection.close(CloseReason.REPLACED);
            }
        }
    }

    private Ack post(LocalSession session, SendMessage send) {
        return append(session.token, session.nickname, session.rooms, send);
    }

    /**
     * Validates and posts a message of {@code user}, who is in {@code rooms}. A send with a ref is keyed by session
     * and ref, so a retry (on any node) answers with the ack of the message that landed instead of posting again.
     */
    private Ack append(SessionToken token, Nickname user, Set<RoomName> rooms, SendMessage send) {
        String text = send.text();
        if (text.isBlank()) {
            throw new ChatException(ErrorCode.EMPTY_TEXT, "message text is empty");
        }
        if (text.codePointCount(0, text.length()) > limits.maxTextLength()) {
            throw new ChatException(
                    ErrorCode.TEXT_TOO_LONG, "message text is longer than " + limits.maxTextLength() + " characters");
        }
        if (!rooms.contains(send.room())) {
            throw notInRoom(send.room());
        }
        String idempotencyKey = send.ref() == null ? null : token.value() + " " + send.ref();
        MessageDraft draft = new MessageDraft(
                send.room(),
                newMessageId(),
                user,
                text,
                ports.clock().instant().truncatedTo(ChronoUnit.MILLIS),
                idempotencyKey);
        ChatMessage stored = ports.history().append(draft);
        return new Ack(send.ref(), stored.room(), stored.seq());
    }

    private Ack join(LocalSession session, JoinRoom join) {
        RoomName room = join.room();
        synchronized (session) {
            if (session.rooms.contains(room)) {
                // Joining again is harmless: the client may have lost track, so refresh its view of the room.
                if (session.connection != null) {
                    session.connection.send(
                            encode(snapshot(room, ports.history().position(room))));
                }
            } else {
                if (session.rooms.size() >= limits.maxRoomsPerSession()) {
                    throw new ChatException(
                            ErrorCode.TOO_MANY_ROOMS,
                            "a session may be in at most " + limits.maxRoomsPerSession() + " rooms");
                }
                enterRoom(session, room);
                saveRooms(session);
            }
        }
        return new Ack(join.ref(), room, ports.history().position(room).seq());
    }

    private Ack leave(LocalSession session, LeaveRoom leave) {
        RoomName room = leave.room();
        synchronized (session) {
            if (!session.rooms.contains(room)) {
                throw notInRoom(room);
            }
            RoomMembership membership = session.memberships.remove(room);
            if (membership != null) {
                hub.detach(membership);
            }
            session.rooms.remove(room);
            leavePresence(session, room);
            saveRooms(session);
        }
        return new Ack(leave.ref(), room, ports.history().position(room).seq());
    }

    /** A room the session was not in. Caller holds the session's lock. */
    private void enterRoom(LocalSession session, RoomName room) {
        session.rooms.add(room);
        ports.presence().add(room, session.nickname);
        if (session.connection != null) {
            RoomMembership membership = attach(session, room);
            RoomPosition now = ports.history().position(room);
            List<OutboundEvent> catchUp = new ArrayList<>();
            long from = Math.max(0, now.seq() - limits.joinHistory());
            if (limits.joinHistory() > 0 && now.seq() > 0) {
                HistorySlice recent = ports.history().readAfter(room, from, limits.joinHistory());
                recent.messages().stream()
                        .filter(message -> message.seq() <= now.seq())
                        .forEach(message -> catchUp.add(encode(message)));
            }
            catchUp.add(encode(snapshot(room, now)));
            membership.completePriming(catchUp, now.seq());
        }
        ports.bus().publish(new UserConnected(room, session.nickname));
    }

    /** A room the session is in, on a resumed connection. Caller holds the session's lock. */
    private void attachWithCatchUp(LocalSession session, RoomName room, Cursor cursor) {
        RoomMembership membership = attach(session, room);
        List<OutboundEvent> catchUp = new ArrayList<>();
        RoomPosition now = ports.history().position(room);
        long coveredThrough = now.seq();
        Optional<RoomPosition> from = cursor.position(room);
        if (from.isEmpty()) {
            catchUp.add(encode(new NotRecovered(room, NotRecovered.Reason.NO_CURSOR)));
        } else if (!from.get().epoch().equals(now.epoch())) {
            catchUp.add(encode(new NotRecovered(room, NotRecovered.Reason.EPOCH_CHANGED)));
        } else {
            coveredThrough = replay(room, from.get().seq(), catchUp);
        }
        catchUp.add(encode(snapshot(room, new RoomPosition(now.epoch(), coveredThrough))));
        membership.completePriming(catchUp, coveredThrough);
    }

    /**
     * Adds the messages after {@code afterSeq} to {@code catchUp}, or a not-recovered notice if some are gone.
     *
     * @return the seq the client is at afterwards
     */
    private long replay(RoomName room, long afterSeq, List<OutboundEvent> catchUp) {
        long at = afterSeq;
        while (true) {
            HistorySlice slice = ports.history().readAfter(room, at, REPLAY_PAGE);
            if (!slice.complete()) {
                catchUp.add(encode(new NotRecovered(room, NotRecovered.Reason.HISTORY_TRIMMED)));
                return slice.lastSeq(); // a fresh start at the present, nothing half-replayed
            }
            for (ChatMessage message : slice.messages()) {
                catchUp.add(encode(message));
                at = message.seq();
            }
            if (slice.messages().isEmpty() || at >= slice.lastSeq()) {
                return at;
            }
        }
    }

    /** Caller holds the session's lock, and the session has a connection. */
    private RoomMembership attach(LocalSession session, RoomName room) {
        RoomMembership membership = new RoomMembership(room, session.nickname, session.connection);
        session.memberships.put(room, membership);
        hub.attach(membership);
        return membership;
    }

    private void detachMemberships(LocalSession session) {
        session.memberships.values().forEach(hub::detach);
        session.memberships.clear();
    }

    /**
     * A session this node took over: it keeps the session's presence alive from now on. A member whose old node died
     * long enough ago was already announced as gone, so its return is announced.
     */
    private void rejoinPresence(LocalSession session, List<RoomName> rooms) {
        for (RoomName room : rooms) {
            if (ports.presence().add(room, session.nickname)) {
                ports.bus().publish(new UserConnected(room, session.nickname));
            }
        }
    }

    private void leavePresence(LocalSession session, RoomName room) {
        if (ports.presence().remove(room, session.nickname)) {
            ports.bus().publish(new UserDisconnected(room, session.nickname));
        }
    }

    private ActiveUsers snapshot(RoomName room, RoomPosition position) {
        return new ActiveUsers(room, ports.presence().members(room), position);
    }

    private OutboundEvent encode(ServerEvent event) {
        return ports.encoder().encode(event);
    }

    private void saveRooms(LocalSession session) {
        ports.sessions().update(new SessionRecord(session.token, session.nickname, Set.copyOf(session.rooms)));
    }

    private SessionRecord createSession(Set<RoomName> rooms) {
        SessionToken token = SessionToken.generate();
        for (int attempt = 0; attempt < PLAIN_NICKNAME_ATTEMPTS; attempt++) {
            SessionRecord record = new SessionRecord(token, ports.nicknames().next(), rooms);
            if (ports.sessions().create(record)) {
                return record;
            }
        }
        // The generated names are crowded: keep the style, add a number.
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < SUFFIXED_NICKNAME_ATTEMPTS; attempt++) {
            String base = ports.nicknames().next().value();
            Nickname suffixed = new Nickname(base + random.nextInt(2, attempt < 100 ? 100 : 100_000));
            SessionRecord record = new SessionRecord(token, suffixed, rooms);
            if (ports.sessions().create(record)) {
                return record;
            }
        }
        throw new ChatException(ErrorCode.UNAVAILABLE, "no free nickname, try again later");
    }

    private static ChatException unknownSession() {
        return new ChatException(ErrorCode.UNAUTHORIZED, "unknown or expired session");
    }

    private static ChatException notInRoom(RoomName room) {
        return new ChatException(ErrorCode.NOT_IN_ROOM, "you are not in room " + room);
    }

    private static String newMessageId() {
        byte[] bytes = new byte[12];
        ThreadLocalRandom.current().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A session this node serves: attached to a connection, or waiting out its reconnect grace. */
    private static final class LocalSession {
        private final SessionToken token;
        private final Nickname nickname;
        /** The session's rooms; written under the session's lock, read without it by {@link #post}. */
        private final Set<RoomName> rooms = new ConcurrentSkipListSet<>();
        /** Where the rooms are delivered while connected; empty while detached. Guarded by the session's lock. */
        private final Map<RoomName, RoomMembership> memberships = new HashMap<>();

        private ClientConnection connection;
        private Scheduler.Cancellable expiry;
        private int detachGeneration;
        /** Expired, or taken over by another node: this object no longer serves the session. */
        private volatile boolean ended;

        LocalSession(SessionToken token, Nickname nickname) {
            this.token = token;
            this.nickname = nickname;
        }

        void cancelExpiry() {
            if (expiry != null) {
                expiry.cancel();
                expiry = null;
            }
        }
    }
}
