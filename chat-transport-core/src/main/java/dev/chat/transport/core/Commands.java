package dev.chat.transport.core;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ClientCommand;
import dev.chat.domain.model.RateLimitedException;
import dev.chat.domain.model.ServerEvent;
import dev.chat.domain.model.SessionElsewhereException;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.in.HandleCommandUseCase;
import dev.chat.protocol.CommandDecoder;
import java.util.function.Consumer;

/** Reads a client's command frame and carries it out, answering with its ack or its refusal, on every transport. */
public final class Commands {
    private final HandleCommandUseCase useCase;
    private final CommandDecoder decoder;
    private final Consumer<SessionToken> endedForAbuse;

    /** For a transport whose sessions are served where their commands arrive (the domain ends a flooder itself). */
    public Commands(HandleCommandUseCase useCase, CommandDecoder decoder) {
        this(useCase, decoder, session -> {});
    }

    /**
     * @param endedForAbuse told of a session the domain found flooding, which it ended if this node serves it; it
     *     ends the session where it is served otherwise
     */
    public Commands(HandleCommandUseCase useCase, CommandDecoder decoder, Consumer<SessionToken> endedForAbuse) {
        this.useCase = requireNonNull(useCase, "useCase");
        this.decoder = requireNonNull(decoder, "decoder");
        this.endedForAbuse = requireNonNull(endedForAbuse, "endedForAbuse");
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
        } catch (RateLimitedException e) {
            if (e.sessionEnded()) {
                endedForAbuse.accept(session);
            }
            return Refusals.of(e, ref);
        } catch (RuntimeException e) {
            return Refusals.of(e, ref);
        }
    }

    public HandleCommandUseCase useCase() {
        return useCase;
    }
}
