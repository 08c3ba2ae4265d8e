package dev.chat.transport.core;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ClientCommand;
import dev.chat.domain.model.ServerEvent;
import dev.chat.domain.model.SessionElsewhereException;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.in.HandleCommandUseCase;
import dev.chat.protocol.CommandDecoder;

/** Reads a client's command frame and carries it out, answering with its ack or its refusal, on every transport. */
public final class Commands {
    private final HandleCommandUseCase useCase;
    private final CommandDecoder decoder;

    public Commands(HandleCommandUseCase useCase, CommandDecoder decoder) {
        this.useCase = requireNonNull(useCase, "useCase");
        this.decoder = requireNonNull(decoder, "decoder");
    }

    /**
     * @return the {@link dev.chat.domain.model.Ack ack} (its ref null when the client gave none), or the
     *     {@link dev.chat.domain.model.ErrorEvent error} that refused the frame
     * @throws SessionElsewhereException when another node serves the session and the command must go there
     */
    public ServerEvent carryOut(SessionToken session, String frame) {
        String ref = null;
        try {
            ClientCommand command = decoder.decode(frame);
            ref = command.ref();
            return useCase.handle(session, command);
        } catch (SessionElsewhereException e) {
            throw e;
        } catch (RuntimeException e) {
            return Refusals.of(e, ref);
        }
    }

    public HandleCommandUseCase useCase() {
        return useCase;
    }
}
