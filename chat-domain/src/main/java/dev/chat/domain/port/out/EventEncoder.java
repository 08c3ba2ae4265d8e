package dev.chat.domain.port.out;

import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.model.ServerEvent;

/** Encodes a server event for the wire. Called once per broadcast, never once per recipient. Thread-safe. */
public interface EventEncoder {
    OutboundEvent encode(ServerEvent event);
}
