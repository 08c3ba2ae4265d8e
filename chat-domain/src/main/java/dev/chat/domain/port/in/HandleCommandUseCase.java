package dev.chat.domain.port.in;

import dev.chat.domain.model.Ack;
import dev.chat.domain.model.ClientCommand;
import dev.chat.domain.model.SessionToken;

/** Carries out a client's command: send a message, join or leave a room. */
public interface HandleCommandUseCase {
    /**
     * @return the acknowledgement to give the client when the command carried a {@code ref}
     * @throws dev.chat.domain.model.ChatException when the command is refused; nothing was changed or sent
     */
    Ack handle(SessionToken session, ClientCommand command);

    /**
     * Checks the session before a command is even read, so an HTTP client is told 401 rather than why its body is
     * wrong.
     *
     * @throws dev.chat.domain.model.ChatException {@code unauthorized} when the session is unknown or expired
     */
    void authorize(SessionToken session);
}
