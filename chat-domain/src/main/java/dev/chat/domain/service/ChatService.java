package dev.chat.domain.service;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.Ack;
import dev.chat.domain.model.ActiveUsers;
import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ChatLimits;
import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.ClientCommand;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.JoinRoom;
import dev.chat.domain.model.LeaveRoom;
import dev.chat.domain.model.MessageDraft;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SendMessage;
import dev.chat.domain.model.SessionRecord;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.model.UserConnected;
import dev.chat.domain.model.UserDisconnected;
import dev.chat.domain.model.Welcome;
import dev.chat.domain.port.in.ConnectUseCase;
import dev.chat.domain.port.in.DisconnectUseCase;
import dev.chat.domain.port.in.HandleCommandUseCase;
import dev.chat.domain.port.out.ClientConnection;
import dev.chat.domain.port.out.EventBus;
import dev.chat.domain.port.out.EventEncoder;
import dev.chat.domain.port.out.MessageHistory;
import dev.chat.domain.port.out.NicknameGenerator;
import dev.chat.domain.port.out.PresenceStore;
import dev.chat.domain.port.out.SessionStore;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/** The chat's use cases on one node. Thread-safe; commands of one session are applied one at a time. */
public final class ChatService implements ConnectUseCase, HandleCommandUseCase, DisconnectUseCase {
    /** Generated nicknames tried before a numeric suffix is added. */
    static final int PLAIN_NICKNAME_ATTEMPTS = 20;

    private static final int SUFFIXED_NICKNAME_ATTEMPTS = 1_000;

    private final Ports ports;
    private final ChatLimits limits;
    private final RoomHub hub;
    private final ConcurrentHashMap<SessionToken, LocalSession> localSessions = new ConcurrentHashMap<>();

    public ChatService(Ports ports, ChatLimits limits) {
        this.ports = requireNonNull(ports, "ports");
        this.limits = requireNonNull(limits, "limits");
        this.hub = new RoomHub(ports.bus(), ports.encoder());
    }

    /** The driven ports the service works with. */
    public record Ports(
            SessionStore sessions,
            PresenceStore presence,
            MessageHistory history,
            EventBus bus,
            NicknameGenerator nicknames,
            EventEncoder encoder,
            Clock clock) {
        public Ports {
            requireNonNull(sessions, "sessions");
            requireNonNull(presence, "presence");
            requireNonNull(history, "history");
            requireNonNull(bus, "bus");
            requireNonNull(nicknames, "nicknames");
            requireNonNull(encoder, "encoder");
            requireNonNull(clock, "clock");
        }
    }

    @Override
    public SessionToken connect(ClientConnection connection) {
        requireNonNull(connection, "connection");
        SessionRecord record = createSession(Set.of(RoomName.GENERAL));
        LocalSession session = new LocalSession(record.token(), record.nickname(), connection);
        localSessions.put(session.token, session);
        connection.send(
                ports.encoder().encode(new Welcome(session.nickname, session.token, List.of(RoomName.GENERAL))));
        synchronized (session) {
            enterRoom(session, RoomName.GENERAL);
        }
        return session.token;
    }

    @Override
    public Ack handle(SessionToken token, ClientCommand command) {
        requireNonNull(command, "command");
        LocalSession session = localSessions.get(requireNonNull(token, "token"));
        if (session == null) {
            throw new ChatException(ErrorCode.UNAUTHORIZED, "unknown or expired session");
        }
        if (command instanceof SendMessage send) {
            return post(session, send);
        }
        if (command instanceof JoinRoom join) {
            return join(session, join);
        }
        return leave(session, (LeaveRoom) command);
    }

    @Override
    public void disconnect(SessionToken token) {
        LocalSession session = localSessions.remove(requireNonNull(token, "token"));
        if (session == null) {
            return;
        }
        synchronized (session) {
            for (RoomName room : List.copyOf(session.rooms.keySet())) {
                exitRoom(session, room);
            }
        }
        ports.sessions().remove(token);
    }

    /** Sessions connected to this node right now. */
    public int localSessionCount() {
        return localSessions.size();
    }

    private Ack post(LocalSession session, SendMessage send) {
        String text = send.text();
        if (text.isBlank()) {
            throw new ChatException(ErrorCode.EMPTY_TEXT, "message text is empty");
        }
        if (text.codePointCount(0, text.length()) > limits.maxTextLength()) {
            throw new ChatException(
                    ErrorCode.TEXT_TOO_LONG, "message text is longer than " + limits.maxTextLength() + " characters");
        }
        if (!session.rooms.containsKey(send.room())) {
            throw notInRoom(send.room());
        }
        MessageDraft draft = new MessageDraft(
                send.room(),
                newMessageId(),
                session.nickname,
                text,
                ports.clock().instant().truncatedTo(ChronoUnit.MILLIS));
        ChatMessage stored = ports.history().append(draft);
        return new Ack(send.ref(), stored.room(), stored.seq());
    }

    private Ack join(LocalSession session, JoinRoom join) {
        RoomName room = join.room();
        synchronized (session) {
            RoomMembership existing = session.rooms.get(room);
            if (existing != null) {
                // Joining again is harmless: the client may have lost track, so refresh its member list.
                session.connection.send(snapshotOf(room));
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
        return new Ack(join.ref(), room, ports.history().lastSeq(room));
    }

    private Ack leave(LocalSession session, LeaveRoom leave) {
        RoomName room = leave.room();
        synchronized (session) {
            if (!session.rooms.containsKey(room)) {
                throw notInRoom(room);
            }
            exitRoom(session, room);
            saveRooms(session);
        }
        return new Ack(leave.ref(), room, ports.history().lastSeq(room));
    }

    /** Caller holds the session's lock. */
    private void enterRoom(LocalSession session, RoomName room) {
        RoomMembership membership = new RoomMembership(room, session.nickname, session.connection);
        session.rooms.put(room, membership);
        ports.presence().add(room, session.nickname);
        hub.attach(membership);
        membership.completePriming(snapshotOf(room));
        ports.bus().publish(new UserConnected(room, session.nickname));
    }

    /** Caller holds the session's lock. */
    private void exitRoom(LocalSession session, RoomName room) {
        RoomMembership membership = session.rooms.remove(room);
        hub.detach(membership);
        if (ports.presence().remove(room, session.nickname)) {
            ports.bus().publish(new UserDisconnected(room, session.nickname));
        }
    }

    private OutboundEvent snapshotOf(RoomName room) {
        return ports.encoder().encode(new ActiveUsers(room, ports.presence().members(room)));
    }

    private void saveRooms(LocalSession session) {
        ports.sessions().update(new SessionRecord(session.token, session.nickname, Set.copyOf(session.rooms.keySet())));
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

    private static ChatException notInRoom(RoomName room) {
        return new ChatException(ErrorCode.NOT_IN_ROOM, "you are not in room " + room);
    }

    private static String newMessageId() {
        byte[] bytes = new byte[12];
        ThreadLocalRandom.current().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A session attached to this node through one connection. */
    private static final class LocalSession {
        private final SessionToken token;
        private final Nickname nickname;
        private final ClientConnection connection;
        /** Written under the session's lock; read without it by {@link #post}. */
        private final ConcurrentHashMap<RoomName, RoomMembership> rooms = new ConcurrentHashMap<>();

        LocalSession(SessionToken token, Nickname nickname, ClientConnection connection) {
            this.token = token;
            this.nickname = nickname;
            this.connection = connection;
        }
    }
}
