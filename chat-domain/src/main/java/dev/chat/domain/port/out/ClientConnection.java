package dev.chat.domain.port.out;

import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.OutboundEvent;

/**
 * One client's live connection, as a transport hands it to the domain. The domain never knows which transport.
 *
 * <p>Both methods are thread-safe and never block: {@link #send} queues the event and returns. A connection whose
 * queue is full closes itself with {@link CloseReason#SLOW_CONSUMER} instead of buffering without limit. Events
 * are delivered in the order of the {@code send} calls.
 */
public interface ClientConnection {
    void send(OutboundEvent event);

    void close(CloseReason reason);
}
