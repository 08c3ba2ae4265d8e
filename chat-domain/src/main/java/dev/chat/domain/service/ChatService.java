package dev.chat.domain.service;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.Ack;
import dev.chat.domain.model.ActiveUsers;
import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ChatLimits;
import dev.chat.domain.model.ClientCommand;
import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.Cursor;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.Identity;
import dev.chat.domain.model.JoinRoom;
import dev.chat.domain.model.LeaveRoom;
import dev.chat.domain.model.ListMembers;
import dev.chat.domain.model.MembersPage;
import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.model.RateLimitedException;
import dev.chat.domain.model.RateLimits;
import dev.chat.domain.model.RefreshSignIn;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SendMessage;
import dev.chat.domain.model.ServerEvent;
import dev.chat.domain.model.SessionElsewhereException;
import dev.chat.domain.model.SessionRecord;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.model.Welcome;
import dev.chat.domain.port.in.ConnectUseCase;
import dev.chat.domain.port.in.DisconnectUseCase;
import dev.chat.domain.port.in.HandleCommandUseCase;
import dev.chat.domain.port.in.ResumeUseCase;
import dev.chat.domain.port.out.ChatMetrics;
import dev.chat.domain.port.out.ClientConnection;
import dev.chat.domain.port.out.CommandRates;
import dev.chat.domain.port.out.EventBus;
import dev.chat.domain.port.out.EventEncoder;
import dev.chat.domain.port.out.MessageHistory;
import dev.chat.domain.port.out.NicknameGenerator;
import dev.chat.domain.port.out.PresenceStore;
import dev.chat.domain.port.out.RoomEntry;
import dev.chat.domain.port.out.Scheduler;
import dev.chat.domain.port.out.SessionStore;
import dev.chat.domain.port.out.SignInVerifier;
import dev.chat.domain.port.out.StoreWaits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The chat's use cases on one node: a thin façade that takes each session's lock and hands the work to the units
 * that do it: {@link NicknameAllocator} (a free nickname), {@link SessionRooms} (entering and leaving rooms),
 * {@link SessionExpiry} (grace, expiry, takeover), {@link MessagePoster}, over {@link LocalSessions},
 * {@link RoomCatchUp} and this node's fan-out ({@link RoomHub}). Thread-safe; the commands and connection changes of
 * one session are applied one at a time.
 *
 * <p>Every use case is all-or-nothing against store failures: it completes, or it undoes what it did and throws
 * (the client is told {@code unavailable} and nothing changed). What a failed undo leaves in a store is left to the
 * store's lease or the expiry; a session never stays on this node without a connection or a running expiry.
 */
public final class ChatService implements ConnectUseCase, ResumeUseCase, HandleCommandUseCase, DisconnectUseCase {
    private final Ports ports;
    private final ChatLimits limits;
    private final LocalSessions localSessions = new LocalSessions();
    /** Draining: sessions are only handed away from here, never made or taken over here. */
    private volatile boolean closedToNewSessions;

    private final NicknameAllocator nicknames;
    private final RoomCatchUp catchUp;
    private final SessionRooms rooms;
    private final SessionExpiry expiry;
    private final MessagePoster poster;
    private final RoomHub hub;
    private final FloodWatch floods;
    private final SignInTimers signIns;

    public ChatService(Ports ports, ChatLimits limits) {
        this.ports = requireNonNull(ports, "ports");
        this.limits = requireNonNull(limits, "limits");
        this.nicknames = new NicknameAllocator(ports.sessions(), ports.nicknames());
        this.catchUp = new RoomCatchUp(
                ports.history(), ports.presence(), ports.encoder(), limits.joinHistory(), limits.memberListLimit());
        // After a loss the room starts over: the new epoch's messages follow from seq 1.
        this.hub = new RoomHub(
                ports.bus(),
                ports.encoder(),
                catchUp::snapshotAfterLoss,
                ports.metrics(),
                ports.clock(),
                new RoomHub.BigRooms(
                        ports.presence()::count,
                        limits.memberListLimit(),
                        ports.scheduler(),
                        limits.presenceInterval(),
                        limits.presenceFramesPerSecond()),
                new RoomHub.Bursts(ports.scheduler(), limits.presenceBurstWindow()));
        this.rooms = new SessionRooms(
                ports.sessions(),
                ports.presence(),
                ports.history(),
                ports.entry(),
                ports.bus(),
                hub,
                catchUp,
                ports.metrics());
        this.expiry =
                new SessionExpiry(ports.sessions(), ports.scheduler(), limits.reconnectGrace(), localSessions, rooms);
        this.poster = new MessagePoster(ports.history(), ports.clock(), limits, ports.metrics());
        this.floods = new FloodWatch(ports.rates().limits());
        this.signIns = new SignInTimers(ports.scheduler(), ports.clock(), ports.encoder(), this::signInRanOut);
        ports.sessions().onTakenOver(expiry::takenOver);
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
            Scheduler scheduler,
            ChatMetrics metrics,
            CommandRates rates,
            SignInVerifier signIn,
            RoomEntry entry) {
        public Ports {
            requireNonNull(sessions, "sessions");
            requireNonNull(presence, "presence");
            requireNonNull(history, "history");
            requireNonNull(bus, "bus");
            requireNonNull(nicknames, "nicknames");
            requireNonNull(encoder, "encoder");
            requireNonNull(clock, "clock");
            requireNonNull(scheduler, "scheduler");
            requireNonNull(metrics, "metrics");
            requireNonNull(rates, "rates");
            requireNonNull(signIn, "signIn");
            requireNonNull(entry, "entry");
        }

        /** Without metrics, rate limits or sign-in; each joiner's entry made of the presence, history and bus ports. */
        public Ports(
                SessionStore sessions,
                PresenceStore presence,
                MessageHistory history,
                EventBus bus,
                NicknameGenerator nicknames,
                EventEncoder encoder,
                Clock clock,
                Scheduler scheduler) {
            this(
                    sessions,
                    presence,
                    history,
                    bus,
                    nicknames,
                    encoder,
                    clock,
                    scheduler,
                    ChatMetrics.NONE,
                    CommandRates.UNLIMITED,
                    SignInVerifier.NONE,
                    RoomEntry.of(presence, history, bus));
        }

        public Ports withRates(CommandRates newRates) {
            return new Ports(
                    sessions, presence, history, bus, nicknames, encoder, clock, scheduler, metrics, newRates, signIn,
                    entry);
        }

        public Ports withSignIn(SignInVerifier newSignIn) {
            return new Ports(
                    sessions, presence, history, bus, nicknames, encoder, clock, scheduler, metrics, rates, newSignIn,
                    entry);
        }
    }

    @Override
    public SessionToken connect(ClientConnection connection, Identity identity) {
        CompletableFuture<SessionToken> opening =
                connectAsync(connection, identity).toCompletableFuture();
        if (opening.isDone()) {
            return Stages.join(opening);
        }
        return StoreWaits.waiting(() -> Stages.join(opening)); // a store answering over the network: turn given up
    }

    @Override
    public CompletionStage<SessionToken> connectAsync(ClientConnection connection, Identity identity) {
        requireNonNull(connection, "connection");
        requireNonNull(identity, "identity");
        CallScope call = new CallScope();
        try {
            refuseWhileDraining();
            boolean inGeneral = identity.access().allows(RoomName.GENERAL);
            Set<RoomName> startIn = inGeneral ? Set.of(RoomName.GENERAL) : Set.of();
            CompletableFuture<SessionRecord> created =
                    nicknames.createSession(startIn, identity).toCompletableFuture();
            if (created.isDone() && !created.isCompletedExceptionally()) { // stores that answer at once: go straight on
                return open(newSession(created.join(), identity), connection, startIn, call);
            }
            return created.thenCompose(record -> open(newSession(record, identity), connection, startIn, call));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            call.returned();
        }
    }

    /**
     * A stored session gets its welcome and its first room, which the client sees together: the welcome and the
     * catch-up (the room's last 50 messages and a bounded member list) leave as one. Not on resume, where each room's
     * replay goes as soon as it is read: held together, several rooms' replays could pass the queue's limit that each
     * fits. The session is this node's (found by its token) only once all of it is done.
     */
    private CompletionStage<SessionToken> open(
            LocalSession session, ClientConnection connection, Set<RoomName> startIn, CallScope call) {
        CompletionStage<Void> entered;
        synchronized (session) {
            session.connection = connection;
            connection.holdWrites();
            try {
                connection.send(encode(new Welcome(session.nickname, session.token, List.copyOf(startIn), false)));
                entered = startIn.isEmpty()
                        ? CompletableFuture.completedFuture(null)
                        : rooms.enterConnecting(session, RoomName.GENERAL, this::offReplyThread);
            } catch (RuntimeException e) {
                entered = CompletableFuture.failedFuture(e);
            }
        }
        CompletableFuture<Void> done = entered.toCompletableFuture();
        if (done.isDone()) {
            return opened(session, connection, Stages.outcome(done).failure(), call);
        }
        return done.handle((ignored, failure) -> opened(session, connection, failure, call))
                .thenCompose(Function.identity());
    }

    private static LocalSession newSession(SessionRecord record, Identity identity) {
        return new LocalSession(record.token(), record.nickname(), identity);
    }

    private CompletionStage<SessionToken> opened(
            LocalSession session, ClientConnection connection, Throwable failure, CallScope call) {
        RuntimeException failed = failure == null ? null : Stages.cause(failure);
        if (failed == null) {
            synchronized (session) {
                try {
                    refuseWhileDraining(); // it began meanwhile: the client connects to another node
                    localSessions.add(session);
                    signIns.start(session);
                    connection.releaseWrites();
                    return CompletableFuture.completedFuture(session.token);
                } catch (RuntimeException e) {
                    failed = e;
                }
            }
        }
        // The client never got in: the session goes now, through the expiry, which retries until stores answer.
        CompletableFuture<SessionToken> refused = new CompletableFuture<>();
        RuntimeException cause = failed;
        call.runOffReplyThread(
                () -> {
                    synchronized (session) {
                        expiry.detach(session);
                        expiry.expireNow(session);
                        connection.releaseWrites();
                    }
                    refused.completeExceptionally(cause);
                },
                this::offReplyThread);
        return refused;
    }

    /** Runs a follow-up that waits on stores off the thread that read a store's reply. */
    private void offReplyThread(Runnable task) {
        ports.scheduler().schedule(Duration.ZERO, task);
    }

    @Override
    public void resume(SessionToken token, Cursor cursor, ClientConnection connection) {
        requireNonNull(cursor, "cursor");
        requireNonNull(connection, "connection");
        refuseWhileDraining();
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
                    rooms.detachAll(session);
                    previous.close(CloseReason.REPLACED);
                }
                List<RoomName> joined = session.roomsInOrder();
                if (found.adopted()) {
                    rooms.relist(session, joined); // before the snapshots, which list the member
                }
                connection.send(encode(new Welcome(session.nickname, session.token, joined, true)));
                for (RoomName room : joined) {
                    rooms.reattach(session, room, cursor);
                }
                signIns.start(session); // a sign-in that ran out while away ends the session now
            } catch (RuntimeException e) {
                // As if the connection had dropped: the client may try again within the grace.
                expiry.detach(session);
                expiry.startGrace(session);
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
            takeFromBudget(token, command, null);
            if (command instanceof SendMessage send) {
                // Needs only who and which rooms, both in the record; the history's idempotency keys make a retry
                // land once on any node.
                return poster.post(remote.token(), remote.nickname(), remote.rooms(), send);
            }
            // Joining, leaving and refreshing change the serving node's session; a members page goes on its stream.
            throw new SessionElsewhereException();
        }
        LocalSession session = activeSession(token);
        takeFromBudget(token, command, session);
        if (command instanceof RefreshSignIn refresh) {
            return refresh(session, refresh);
        }
        if (command instanceof ListMembers list) {
            return listMembers(session, list);
        }
        if (command instanceof SendMessage send) {
            return poster.post(session.token, session.nickname, session.rooms(), send);
        }
        if (command instanceof JoinRoom join) {
            return join(session, join);
        }
        return leave(session, (LeaveRoom) command);
    }

    @Override
    public void disconnect(SessionToken token, ClientConnection connection) {
        whileServing(token, connection, session -> {
            expiry.detach(session);
            expiry.startGrace(session);
        });
    }

    @Override
    public void quit(SessionToken token, ClientConnection connection) {
        whileServing(token, connection, session -> endNow(session, null)); // it closed itself: nothing to close
    }

    /**
     * Runs {@code action} under the session's lock if {@code connection} is its current one; a replaced connection
     * ending changes nothing (the session lives on, maybe elsewhere).
     */
    private void whileServing(SessionToken token, ClientConnection connection, Consumer<LocalSession> action) {
        LocalSession session = localSessions.get(requireNonNull(token, "token"));
        if (session == null) {
            return;
        }
        synchronized (session) {
            if (session.connection == connection) {
                action.accept(session);
            }
        }
    }

    @Override
    public void end(SessionToken token, CloseReason why) {
        requireNonNull(why, "why");
        LocalSession session = localSessions.get(requireNonNull(token, "token"));
        if (session == null) {
            storedSession(token);
            throw new SessionElsewhereException();
        }
        synchronized (session) {
            if (session.ended) {
                throw unknownSession();
            }
            endNow(session, why);
        }
    }

    /** The session ends here and now: its connection closed (unless it closed already), its rooms told it left. */
    private void endNow(LocalSession session, CloseReason closeWith) {
        signIns.cancel(session);
        ClientConnection connection = session.connection;
        expiry.detach(session);
        if (connection != null && closeWith != null) {
            connection.close(closeWith);
        }
        expiry.expireNow(session);
        floods.forget(session.token);
    }

    /** A page of a room's members, sent on the session's connection (a member of the room only). */
    private Ack listMembers(LocalSession session, ListMembers list) {
        if (!session.rooms().contains(list.room())) {
            throw notInRoom(list.room());
        }
        MembersPage page = catchUp.page(list.room(), list.after(), list.limit(), list.ref());
        synchronized (session) {
            if (session.connection != null) {
                session.connection.send(encode(page));
            }
        }
        return Ack.of(list.ref());
    }

    /** A signed-in user hands in a fresh token: the session carries on until its expiry. */
    private Ack refresh(LocalSession session, RefreshSignIn refresh) {
        Identity fresh = ports.signIn().verify(refresh.token());
        synchronized (session) {
            Identity current = session.identity;
            if (!current.isSignedIn() || !current.userId().equals(fresh.userId())) {
                throw new ChatException(ErrorCode.FORBIDDEN, "the token does not sign in this session's user");
            }
            Identity extended = current.until(fresh.signedInUntil());
            ports.sessions().update(new SessionRecord(session.token, session.nickname, session.rooms(), extended));
            session.identity = extended;
            signIns.start(session);
            return Ack.of(refresh.ref());
        }
    }

    /** The sign-in ran out and was not refreshed: the session ends, its rooms told, its connection closed. */
    private void signInRanOut(LocalSession session, Instant until) {
        synchronized (session) {
            if (session.ended || !until.equals(session.identity.signedInUntil())) {
                return;
            }
            endNow(session, CloseReason.SIGNED_OUT);
        }
    }

    /**
     * Takes the command from the session's rate budget, or refuses it; a session that kept flooding for the whole
     * abuse window is ended here when this node serves it ({@code local}), else by the caller, through the serving node.
     */
    private void takeFromBudget(SessionToken token, ClientCommand command, LocalSession local) {
        RateLimits.Kind kind = RateLimits.Kind.of(command);
        Optional<Duration> wait = ports.rates().take(token, kind);
        if (wait.isEmpty()) {
            return;
        }
        boolean abuse = floods.refused(token, kind, ports.clock().millis());
        if (abuse && local != null) {
            synchronized (local) {
                if (!local.ended) {
                    endNow(local, CloseReason.ABUSE);
                }
            }
        }
        ports.metrics().rateLimited(kind, abuse);
        String what = kind == RateLimits.Kind.MESSAGES ? "messages" : "room commands";
        throw new RateLimitedException(
                abuse ? "kept sending far too many " + what + "; session ended" : "too many " + what + "; slow down",
                wait.get(),
                abuse);
    }

    /** Sessions on this node, connected or within their reconnect grace. */
    public int localSessionCount() {
        return localSessions.size();
    }

    /**
     * From now on this node makes no session and takes none over (it is draining): a connect or resume is refused
     * with {@code unavailable}, so a session handed away cannot come back here.
     */
    public void closeToNewSessions() {
        closedToNewSessions = true;
    }

    private void refuseWhileDraining() {
        if (closedToNewSessions) {
            throw new ChatException(ErrorCode.UNAVAILABLE, "this node is restarting; connect to another");
        }
    }

    /** The sessions this node serves now. */
    public List<SessionToken> localSessionTokens() {
        return localSessions.tokens();
    }

    /**
     * Moves a session away from this node (it is draining): the store stops naming this node its owner, the session
     * is let go here without a departure, and its connection is closed as {@link CloseReason#RESTART}, so the client
     * resumes on another node, which takes the session over. Nobody sees it leave.
     *
     * @return false if the store did not answer: the session stays here, and the caller tries again (a session this
     *     node still owned when it died would wait for its lease before another node could serve it)
     */
    public boolean handOff(SessionToken token) {
        LocalSession session = localSessions.get(requireNonNull(token, "token"));
        if (session == null) {
            return true;
        }
        synchronized (session) {
            if (session.ended) {
                return true;
            }
            try {
                ports.sessions().disown(token);
            } catch (ChatException storeDown) {
                return false;
            }
            expiry.letGo(session, CloseReason.RESTART);
            return true;
        }
    }

    /** Rooms with members connected to this node. */
    public int localRoomCount() {
        return hub.roomCount();
    }

    private Ack join(LocalSession session, JoinRoom join) {
        RoomName room = join.room();
        synchronized (session) {
            if (session.rooms().contains(room)) {
                // Joining again is harmless: the client may have lost track, so refresh its view of the room.
                ActiveUsers now = catchUp.snapshotNow(room);
                if (session.connection != null) {
                    session.connection.send(encode(now));
                }
                return new Ack(join.ref(), room, now.position().seq());
            }
            if (!session.identity.access().allows(room)) {
                throw new ChatException(ErrorCode.FORBIDDEN, "you may not join room " + room);
            }
            if (session.rooms().size() >= limits.maxRoomsPerSession()) {
                throw new ChatException(
                        ErrorCode.TOO_MANY_ROOMS,
                        "a session may be in at most " + limits.maxRoomsPerSession() + " rooms");
            }
            return new Ack(join.ref(), room, rooms.enter(session, room, true));
        }
    }

    private Ack leave(LocalSession session, LeaveRoom leave) {
        RoomName room = leave.room();
        synchronized (session) {
            if (!session.rooms().contains(room)) {
                throw notInRoom(room);
            }
            return new Ack(leave.ref(), room, rooms.leave(session, room));
        }
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

    private OutboundEvent encode(ServerEvent event) {
        return ports.encoder().encode(event);
    }

    private static ChatException unknownSession() {
        return new ChatException(ErrorCode.UNAUTHORIZED, "unknown or expired session");
    }

    static ChatException notInRoom(RoomName room) {
        return new ChatException(ErrorCode.NOT_IN_ROOM, "you are not in room " + room);
    }
}
