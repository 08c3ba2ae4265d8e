package dev.chat.domain.port.in;

import dev.chat.domain.model.SessionToken;

/** A client's connection ended: its rooms are told {@code userDisconnected} and its nickname is freed. */
public interface DisconnectUseCase {
    void disconnect(SessionToken session);
}
