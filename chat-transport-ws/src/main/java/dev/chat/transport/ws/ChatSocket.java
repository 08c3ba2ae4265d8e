package dev.chat.transport.ws;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.Identity;
import dev.chat.transport.core.Admission;
import dev.chat.transport.core.ClientLink;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Utf8StringBuilder;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.exception.BadPayloadException;
import org.eclipse.jetty.websocket.core.exception.MessageTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's socket, straight on Jetty's WebSocket core: frames in, whole text messages to the transport. Made by
 * the handshake for exactly one upgrade. Jetty's WebSocket API layer above the core is not used: per connection it
 * bound method handles, kept message sinks, and kept the upgrade response, whose live header view held the servlet
 * request and Jetty's whole HTTP connection for as long as the socket lived (docs/performance-log.md).
 *
 * <p>Jetty calls a socket's frame callbacks one at a time, and asks for the next frame only when this one demands it,
 * so the message being assembled needs no lock.
 */
final class ChatSocket implements FrameHandler {
    private static final Logger log = LoggerFactory.getLogger(ChatSocket.class);
    /**
     * What the handshake decided for this socket.
     *
     * @param admitted its turn among the connections being opened, given back once it is open or gone
     * @param addressPlace its place under the per-address cap, given back when it ends
     * @param identity who signed in, or {@link Identity#ANONYMOUS}
     * @param resume the {@code session} query parameter, or null
     * @param cursor the {@code cursor} query parameter, or null
     */
    record Handshake(Admission.Entry admitted, Runnable addressPlace, Identity identity, String resume, String cursor) {
        Handshake {
            requireNonNull(admitted, "admitted");
            requireNonNull(addressPlace, "addressPlace");
            requireNonNull(identity, "identity");
        }
    }

    private final WebSocketTransport transport;
    /** Until the link is made, which owns what the handshake took from then on: an open socket keeps none of it. */
    private volatile Handshake handshake;

    private final int maxMessageBytes;
    /** Set once open, before any message can arrive. */
    private volatile ClientLink link;

    private CoreSession session;
    /** The text message whose first frames came without FIN; null between messages. */
    private Utf8StringBuilder text;
    /** A binary message is in progress: its continuation frames are skipped, and it is refused once whole. */
    private boolean binary;
    /** Bytes of the fragmented message so far. */
    private long messageBytes;
    /** A whole message the last frame completed, to be carried out once the frame is done with. */
    private Runnable message;
    /** The session's opening, done once the client has its welcome or its refusal. Set before any frame is read. */
    private CompletableFuture<Void> opening;

    ChatSocket(WebSocketTransport transport, Handshake handshake, int maxMessageBytes) {
        this.transport = requireNonNull(transport, "transport");
        this.handshake = requireNonNull(handshake, "handshake");
        this.maxMessageBytes = maxMessageBytes;
    }

    /** What the handshake decided; null once the link is made. */
    Handshake handshake() {
        return handshake;
    }

    /** The client's link once open; null before and when its open failed before making one. */
    ClientLink link() {
        return link;
    }

    void link(ClientLink opened) {
        link = opened;
        handshake = null;
    }

    /**
     * Jetty's open completes at once, and it reads on, while the session may still be opening (its store calls keep no
     * thread waiting): a message that comes before the opening is done waits for it ({@link #onFrame}). Demanding here,
     * on Jetty's thread, lets Jetty read on that same thread; a demand from the thread that finished the opening would
     * be handed to another of Jetty's threads, a wake-up per connect.
     */
    @Override
    public void onOpen(CoreSession coreSession, Callback callback) {
        session = coreSession;
        CompletableFuture<Void> opened;
        try {
            opened = transport.opened(this, coreSession).toCompletableFuture();
        } catch (RuntimeException failure) {
            callback.failed(failure); // Jetty closes the socket with 1011
            return;
        }
        opening = opened;
        opened.whenComplete((done, failure) -> {
            if (failure != null) {
                log.error("opening a connection failed", failure);
                coreSession.close(CloseStatus.SERVER_ERROR, "the server failed", Callback.NOOP);
            }
        });
        callback.succeeded();
        coreSession.demand();
    }

    @Override
    public void onFrame(Frame frame, Callback callback) {
        try {
            switch (frame.getOpCode()) {
                case OpCode.TEXT -> textFrame(frame);
                case OpCode.BINARY -> {
                    binary = true;
                    messageBytes = 0;
                    dataFrame(frame);
                }
                case OpCode.CONTINUATION -> dataFrame(frame);
                case OpCode.PING -> {
                    // The pong carries the ping's payload, which is Jetty's until the callback completes.
                    session.sendFrame(new Frame(OpCode.PONG).setPayload(frame.getPayload()), callback, false);
                    session.demand();
                    return;
                }
                case OpCode.CLOSE -> {
                    // Jetty answers the close once this completes; the client's own code decides goodbye or not.
                    CloseStatus status = CloseStatus.getCloseStatus(frame);
                    callback.succeeded();
                    transport.closed(this, status.getCode(), status.getReason());
                    return;
                }
                default -> {} // PONG: the idle timeout has already seen the traffic
            }
        } catch (RuntimeException refused) {
            text = null;
            binary = false;
            message = null;
            callback.failed(refused); // Jetty closes: 1009 too large, 1007 not UTF-8, 1011 anything else
            return;
        }
        Runnable whole = message;
        message = null;
        if (whole != null && !opening.isDone()) {
            // Early: it waits for the opening (it holds no buffer of Jetty's), and no frame is read until it is done.
            // It runs on Jetty's pool, not on the thread that finished the opening: a message may wait on the stores,
            // and every store reply behind it would wait too.
            callback.succeeded();
            opening.whenCompleteAsync(
                    (done, failure) -> {
                        try {
                            whole.run();
                        } catch (RuntimeException e) {
                            log.error("a message that came while its connection was opening failed", e);
                            session.close(CloseStatus.SERVER_ERROR, "the server failed", Callback.NOOP);
                            return;
                        }
                        session.demand();
                    },
                    session.getWebSocketComponents().getExecutor());
            return;
        }
        if (whole != null) {
            try {
                whole.run();
            } catch (RuntimeException failed) {
                callback.failed(failed); // Jetty closes with 1011
                return;
            }
        }
        callback.succeeded();
        session.demand();
    }

    private void textFrame(Frame frame) {
        if (frame.isFin()) {
            checkSize(frame.getPayloadLength());
            Utf8StringBuilder whole = new Utf8StringBuilder(frame.getPayloadLength());
            whole.append(frame.getPayload());
            String complete = whole.takeCompleteString(BadPayloadException.InvalidUtf8::new);
            message = () -> transport.received(this, complete);
            return;
        }
        messageBytes = 0;
        text = new Utf8StringBuilder();
        dataFrame(frame);
    }

    private void dataFrame(Frame frame) {
        messageBytes += frame.getPayloadLength();
        checkSize(messageBytes);
        if (text != null) {
            text.append(frame.getPayload());
        }
        if (!frame.isFin()) {
            return;
        }
        if (text != null) {
            String complete = text.takeCompleteString(BadPayloadException.InvalidUtf8::new);
            text = null;
            message = () -> transport.received(this, complete);
        } else if (binary) {
            binary = false;
            message = () -> transport.receivedBinary(this);
        }
    }

    private void checkSize(long bytes) {
        if (bytes > maxMessageBytes) {
            throw new MessageTooLargeException("message of " + bytes + " bytes; at most " + maxMessageBytes);
        }
    }

    @Override
    public void onError(Throwable cause, Callback callback) {
        transport.failed(this, cause);
        callback.succeeded();
    }

    @Override
    public void onClosed(CloseStatus closeStatus, Callback callback) {
        transport.closed(this, closeStatus.getCode(), closeStatus.getReason());
        callback.succeeded();
    }
}
