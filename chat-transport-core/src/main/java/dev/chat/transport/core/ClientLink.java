package dev.chat.transport.core;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.Cursor;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.ErrorEvent;
import dev.chat.domain.model.Identity;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.in.ChatUseCases;
import dev.chat.domain.port.out.ClientConnection;
import dev.chat.domain.port.out.StoreWaits;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection's life with the domain, the same on every transport: it is opened once (a new session, or
 * a resumed one) and released once, and a release that arrives while the open is still running (the client vanished
 * mid-connect) takes effect as soon as the open returns. So every session the domain created for a connection gets
 * its disconnect, exactly once, however early the connection ended. Thread-safe.
 */
public final class ClientLink {
    private static final Logger log = LoggerFactory.getLogger(ClientLink.class);

    private enum State {
        NEW,
        OPENING,
        OPEN,
        RELEASED
    }

    private final ChatUseCases useCases;
    private final ClientConnection connection;
    private State state = State.NEW;
    private boolean releaseAsked;
    /** The client said goodbye: the release ends the session instead of starting its grace. */
    private boolean quitting;

    private SessionToken token;

    public ClientLink(ChatUseCases useCases, ClientConnection connection) {
        this.useCases = requireNonNull(useCases, "useCases");
        this.connection = requireNonNull(connection, "connection");
    }

    /**
     * Connects a new session of {@code identity} ({@code resume} empty) or resumes one from {@code cursor} (a resumed
     * session keeps its own identity), holding {@code admitted}'s turn, which the domain's store calls give up while
     * they wait ({@link StoreWaits}). On a refusal the domain kept nothing for this connection, and the transport tells
     * the client and ends the connection.
     *
     * @return the refusal, or empty when the connection is open
     */
    public Optional<ErrorEvent> open(
            Optional<SessionToken> resume, Cursor cursor, Identity identity, Admission.Entry admitted) {
        requireNonNull(resume, "resume");
        requireNonNull(cursor, "cursor");
        requireNonNull(identity, "identity");
        requireNonNull(admitted, "admitted");
        synchronized (this) {
            if (state != State.NEW) {
                return Optional.of(new ErrorEvent(ErrorCode.UNAVAILABLE, "connection already closed", null));
            }
            state = State.OPENING;
        }
        SessionToken opened;
        try {
            opened = StoreWaits.holding(admitted, () -> {
                if (resume.isEmpty()) {
                    return useCases.connect().connect(connection, identity);
                }
                useCases.resume().resume(resume.get(), cursor, connection);
                return resume.get();
            });
        } catch (RuntimeException e) {
            return refused(e);
        }
        return opened(opened);
    }

    /**
     * {@link #open}, where a new session's store calls keep no thread waiting: the stage completes with the refusal
     * or empty on the thread that finished the connect (see {@link dev.chat.domain.port.in.ConnectUseCase#connectAsync}).
     * A resume is made as {@link #open} makes it.
     */
    public CompletionStage<Optional<ErrorEvent>> openAsync(
            Optional<SessionToken> resume, Cursor cursor, Identity identity, Admission.Entry admitted) {
        requireNonNull(cursor, "cursor");
        requireNonNull(identity, "identity");
        requireNonNull(admitted, "admitted");
        if (requireNonNull(resume, "resume").isPresent()) {
            return CompletableFuture.completedFuture(open(resume, cursor, identity, admitted));
        }
        synchronized (this) {
            if (state != State.NEW) {
                return CompletableFuture.completedFuture(
                        Optional.of(new ErrorEvent(ErrorCode.UNAVAILABLE, "connection already closed", null)));
            }
            state = State.OPENING;
        }
        CompletionStage<SessionToken> opening;
        try {
            opening = StoreWaits.holding(admitted, () -> useCases.connect().connectAsync(connection, identity));
        } catch (RuntimeException e) {
            opening = CompletableFuture.failedFuture(e);
        }
        return opening.handle((opened, failure) -> failure == null ? opened(opened) : refused(cause(failure)));
    }

    private Optional<ErrorEvent> refused(RuntimeException e) {
        synchronized (this) {
            state = State.RELEASED;
        }
        return Optional.of(Refusals.of(e, null));
    }

    private Optional<ErrorEvent> opened(SessionToken opened) {
        boolean releaseNow;
        synchronized (this) {
            token = opened;
            releaseNow = releaseAsked;
            state = releaseNow ? State.RELEASED : State.OPEN;
        }
        if (releaseNow) {
            disconnect(opened);
        }
        return Optional.empty();
    }

    private static RuntimeException cause(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
    }

    /**
     * The connection ended (either side closed it, or it broke): the domain lets go of it, once. Safe to call any
     * number of times, from any thread, before, during or after {@link #open}.
     */
    public void release() {
        SessionToken releasing;
        synchronized (this) {
            releasing = releaseNow();
        }
        if (releasing != null) {
            disconnect(releasing);
        }
    }

    /**
     * The client closed the connection on purpose (it said goodbye): like {@link #release}, but the session ends at
     * once, its rooms told it left, instead of waiting out the reconnect grace.
     */
    public void quit() {
        SessionToken releasing;
        synchronized (this) {
            quitting = true;
            releasing = releaseNow();
        }
        if (releasing != null) {
            disconnect(releasing);
        }
    }

    /** The session to let go of now, or null when there is none yet (or any more). Caller holds the lock. */
    private SessionToken releaseNow() {
        switch (state) {
            case NEW -> {
                state = State.RELEASED;
                return null;
            }
            case OPENING -> {
                releaseAsked = true; // open() releases when the domain is done
                return null;
            }
            case RELEASED -> {
                return null;
            }
            case OPEN -> {
                state = State.RELEASED;
            }
        }
        return token;
    }

    /** The session once open; empty before, and after a refused open. */
    public synchronized Optional<SessionToken> token() {
        return state == State.OPEN ? Optional.of(token) : Optional.empty();
    }

    public ClientConnection connection() {
        return connection;
    }

    private void disconnect(SessionToken session) {
        boolean quit;
        synchronized (this) {
            quit = quitting;
        }
        try {
            if (quit) {
                useCases.disconnect().quit(session, connection);
            } else {
                useCases.disconnect().disconnect(session, connection);
            }
        } catch (ChatException e) {
            log.warn("disconnect of a session failed: {}", e.getMessage());
        } catch (RuntimeException e) {
            log.error("disconnect of a session failed", e);
        }
    }
}
