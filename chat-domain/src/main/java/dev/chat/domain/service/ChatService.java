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
import dev.chat.domain.model.JoinRoom;
import dev.chat.domain.model.LeaveRoom;
import dev.chat.domain.model.MessageDraft;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.model.RoomName;
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
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The chat's use cases on one node: a thin façade over the local sessions ({@link LocalSessions}), nickname
 * allocation ({@link NicknameAllocator}), room catch-up ({@link RoomCatchUp}) and this node's fan-out
 * ({@link RoomHub}). Thread-safe; the commands and connection changes of one session are applied one at a time.
 *
 * <p>Every use case is all-or-nothing against store failures: it completes, or it undoes what it did and throws
 * (the client is told {@code unavailable} and nothing changed). What a failed undo leaves in a store is left to the
 * store's lease; a session never stays on this node without a connection or a running expiry.
 */
public final class ChatService implements ConnectUseCase, ResumeUseCase, HandleCommandUseCase, DisconnectUseCase {
    /** How soon an expiry that found the session store down tries again. */
    private static final Duration EXPIRY_RETRY = Duration.ofSeconds(1);

    private final Ports ports;
    private final ChatLimits limits;
    private final RoomHub hub;
    private final RoomCatchUp catchUp;
    private final NicknameAllocator nicknames;
    private final LocalSessions localSessions = new LocalSessions();

    public ChatService(Ports ports, ChatLimits limits) {
        this.ports = requireNonNull(ports, "ports");
        this.limits = requireNonNull(limits, "limits");
        this.catchUp = new RoomCatchUp(ports.history(), ports.presence(), ports.encoder(), limits.joinHistory());
        // After a loss the room starts over: the new epoch's messages follow from seq 1.
        this.hub = new RoomHub(ports.bus(), ports.encoder(), catchUp::snapshotAfterLoss);
        this.nicknames = new NicknameAllocator(ports.sessions(), ports.nicknames());
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
        SessionRecord record = nicknames.createSession(Set.of(RoomName.GENERAL));
        LocalSession session = new LocalSession(record.token(), record.nickname());
        localSessions.add(session);
        synchronized (session) {
            session.connection = connection;
            try {
                connection.send(encode(new Welcome(session.nickname, session.token, List.of(RoomName.GENERAL), false)));
                enterRoom(session, RoomName.GENERAL, false); // created in general already
            } catch (RuntimeException e) {
                // The client never got in: the session goes now, through the expiry, which retries until stores answer.
                detach(session);
                expire(session, session.detachGeneration);
                throw e;
            }
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
        LocalSessions.Found found = localSessions.findOrAdopt(record);
        LocalSession session = found.session();
        synchronized (session) {
            if (session.ended) {
                throw unknownSession();
            }
            ClientConnection previous = session.connection;
            session.cancelExpiry();
            session.connection = connection; // first, so the old connection's end is seen as a replaced one's
            try {
                if (previous != null && previous != connection) {
                    detachMemberships(session);
                    previous.close(CloseReason.REPLACED);
                }
                List<RoomName> rooms = List.copyOf(session.rooms);
                if (found.adopted()) {
                    rejoinPresence(session, rooms); // before the snapshots, which list the member
                }
                connection.send(encode(new Welcome(session.nickname, session.token, rooms, true)));
                for (RoomName room : rooms) {
                    RoomMembership membership = attach(session, room);
                    RoomCatchUp.Events events = catchUp.forResume(room, cursor);
                    membership.completePriming(events.events(), events.coveredThroughSeq());
                }
            } catch (RuntimeException e) {
                // As if the connection had dropped: the client may try again within the grace.
                detach(session);
                startGrace(session);
                throw e;
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
                // Needs only who and which rooms, both in the record; the history's idempotency keys make a retry
                // land once on any node.
                return append(remote.token(), remote.nickname(), remote.rooms(), send);
            }
            throw new SessionElsewhereException(); // joining and leaving change the serving node's connection
        }
        LocalSession session = activeSession(token);
        if (command instanceof SendMessage send) {
            return append(session.token, session.nickname, session.rooms, send);
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
            detach(session);
            startGrace(session);
        }
    }

    /** Sessions on this node, connected or within their reconnect grace. */
    public int localSessionCount() {
        return localSessions.size();
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

    /** Caller holds the session's lock, and the session has no connection. */
    private void startGrace(LocalSession session) {
        int generation = session.detachGeneration;
        session.expiry = ports.scheduler().schedule(limits.reconnectGrace(), () -> expire(session, generation));
    }

    /** Caller holds the session's lock. */
    private void detach(LocalSession session) {
        detachMemberships(session);
        session.connection = null;
        session.detachGeneration++;
        session.cancelExpiry();
    }

    /**
     * The session's grace ran out (or its connect failed): its nickname is freed, it is forgotten here, and it leaves
     * every room it may be listed in, each room told once. Idempotent; while a store does not answer it tries again,
     * so whatever the stores still remember (or lost), whoever is gone is removed and announced once. Nothing is
     * removed when another node took the session over: that node serves it now.
     */
    private void expire(LocalSession session, int generation) {
        synchronized (session) {
            if (session.connection != null || session.detachGeneration != generation) {
                return;
            }
            if (!session.ended) {
                SessionStore.Released released;
                try {
                    released = ports.sessions().release(session.token);
                } catch (ChatException storeDown) {
                    retryExpiry(session, generation);
                    return;
                }
                session.ended = true;
                localSessions.remove(session);
                if (released == SessionStore.Released.OWNED_ELSEWHERE) {
                    session.rooms.clear();
                    session.maybeListed.clear();
                    return;
                }
            }
            Set<RoomName> leaving = new HashSet<>(session.rooms);
            leaving.addAll(session.maybeListed);
            for (RoomName room : leaving) {
                try {
                    leavePresence(session, room);
                } catch (ChatException storeDown) {
                    retryExpiry(session, generation);
                    return;
                }
                session.rooms.remove(room);
                session.maybeListed.remove(room);
            }
        }
    }

    /** Caller holds the session's lock. */
    private void retryExpiry(LocalSession session, int generation) {
        session.expiry = ports.scheduler().schedule(EXPIRY_RETRY, () -> expire(session, generation));
    }

    /** Another node took the session over (its client resumed there): let it go without telling anyone it left. */
    private void takenOver(SessionToken token) {
        LocalSession session = localSessions.removeToken(token);
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
                ActiveUsers now = catchUp.snapshotNow(room);
                if (session.connection != null) {
                    session.connection.send(encode(now));
                }
                return new Ack(join.ref(), room, now.position().seq());
            }
            if (session.rooms.size() >= limits.maxRoomsPerSession()) {
                throw new ChatException(
                        ErrorCode.TOO_MANY_ROOMS,
                        "a session may be in at most " + limits.maxRoomsPerSession() + " rooms");
            }
            return new Ack(join.ref(), room, enterRoom(session, room, true));
        }
    }

    private Ack leave(LocalSession session, LeaveRoom leave) {
        RoomName room = leave.room();
        synchronized (session) {
            if (!session.rooms.contains(room)) {
                throw notInRoom(room);
            }
            Undo undo = new Undo();
            long seq;
            try {
                seq = ports.history().position(room).seq();
                Set<RoomName> before = Set.copyOf(session.rooms);
                Set<RoomName> after = new HashSet<>(before);
                after.remove(room);
                saveRooms(session, after);
                undo.add(() -> saveRooms(session, before));
                boolean wasListed = ports.presence().remove(room, session.nickname);
                undo.add(() -> {
                    if (wasListed) {
                        ports.presence().add(room, session.nickname);
                    }
                });
                if (wasListed) {
                    ports.bus().publish(new UserDisconnected(room, session.nickname));
                }
            } catch (RuntimeException e) {
                throw undo.rollBack(e);
            }
            // Committed: nothing below touches a store.
            session.rooms.remove(room);
            RoomMembership membership = session.memberships.remove(room);
            if (membership != null) {
                hub.detach(membership);
            }
            return new Ack(leave.ref(), room, seq);
        }
    }

    /**
     * Puts the session in a room it was not in: listed, saved, delivered to (when connected) with its catch-up, and
     * announced; or, if any step fails, none of these. Caller holds the session's lock.
     *
     * @param save whether the session's stored record must be updated (not when it was created with the room)
     */
    private long enterRoom(LocalSession session, RoomName room, boolean save) {
        Undo undo = new Undo();
        RoomMembership membership = null;
        RoomCatchUp.Events events = null;
        long seq;
        try {
            session.maybeListed.add(room); // until the add is known undone or the room committed
            boolean added = ports.presence().add(room, session.nickname);
            undo.add(() -> {
                if (added) {
                    ports.presence().remove(room, session.nickname); // if this fails, the expiry takes it out
                }
                session.maybeListed.remove(room);
            });
            if (session.connection != null) {
                RoomMembership attached = new RoomMembership(room, session.nickname, session.connection);
                hub.attach(attached); // undoes itself if the bus refuses
                undo.add(() -> hub.detach(attached));
                membership = attached;
                events = catchUp.forJoiner(room); // after the add: the snapshot lists the joiner
                seq = events.coveredThroughSeq();
            } else {
                seq = ports.history().position(room).seq();
            }
            if (save) {
                Set<RoomName> before = Set.copyOf(session.rooms);
                Set<RoomName> after = new HashSet<>(before);
                after.add(room);
                saveRooms(session, after);
                undo.add(() -> saveRooms(session, before));
            }
            ports.bus().publish(new UserConnected(room, session.nickname));
        } catch (RuntimeException e) {
            throw undo.rollBack(e);
        }
        // Committed: nothing below touches a store.
        session.maybeListed.remove(room);
        session.rooms.add(room);
        if (membership != null) {
            session.memberships.put(room, membership);
            membership.completePriming(events.events(), events.coveredThroughSeq());
        }
        return seq;
    }

    /** Caller holds the session's lock, and the session has a connection. */
    private RoomMembership attach(LocalSession session, RoomName room) {
        RoomMembership membership = new RoomMembership(room, session.nickname, session.connection);
        hub.attach(membership);
        session.memberships.put(room, membership);
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

    /** Takes the member out of the room's list and tells the room, once, even if the first try fails half-way. */
    private void leavePresence(LocalSession session, RoomName room) {
        if (ports.presence().remove(room, session.nickname)) {
            session.departuresUntold.add(room);
        }
        if (session.departuresUntold.contains(room)) {
            ports.bus().publish(new UserDisconnected(room, session.nickname));
            session.departuresUntold.remove(room);
        }
    }

    private OutboundEvent encode(ServerEvent event) {
        return ports.encoder().encode(event);
    }

    private void saveRooms(LocalSession session, Set<RoomName> rooms) {
        ports.sessions().update(new SessionRecord(session.token, session.nickname, Set.copyOf(rooms)));
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
}
