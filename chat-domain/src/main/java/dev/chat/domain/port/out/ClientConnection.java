package dev.chat.domain.port.out;

import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.OutboundEvent;
import java.util.List;

/**
 * One client's live connection, as a transport hands it to the domain. The domain never knows which transport.
 *
 * <p>Both methods are thread-safe and never block: {@link #send} queues the event and returns. A connection whose
 * queue is full closes itself with {@link CloseReason#SLOW_CONSUMER} instead of buffering without limit. Events
 * are delivered in the order of the {@code send} calls.
 */
public interface ClientConnection {
    void send(OutboundEvent event);

    /**
     * Sends the events in order, as {@link #send} one after another would; a transport may write them together (one
     * socket write for a joiner's catch-up, or for the messages that queued up for a member meanwhile).
     */
    default void sendAll(List<OutboundEvent> events) {
        events.forEach(this::send);
    }

    /**
     * Keeps what is sent from here on until {@link #releaseWrites}, which writes it as one run: a newcomer's welcome
     * and its catch-up leave in one socket write instead of two. Calls come in pairs, on the thread that sends
     * meanwhile; a transport that writes nothing itself may ignore them.
     */
    default void holdWrites() {}

    /** Ends a {@link #holdWrites}: what was sent meanwhile is written, in order. */
    default void releaseWrites() {}

    void close(CloseReason reason);
}
