package dev.chat.transport.sse;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.Ack;
import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ClientCommand;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.SessionElsewhereException;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.in.HandleCommandUseCase;
import dev.chat.domain.port.out.EventEncoder;
import dev.chat.domain.port.out.SessionRelay;
import dev.chat.protocol.CommandDecoder;
import dev.chat.protocol.HttpAnswer;
import dev.chat.protocol.RejectedCommandException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /chat/send}: one command envelope from an HTTP client (SSE or long-polling), authenticated by
 * {@code Authorization: Bearer SESSION}. Answers 200 with the ack's data, or the error's data with its status.
 *
 * <p>Messages are posted by whichever node gets the request. Joining and leaving change the connection of the node
 * that serves the session, so when that is another node the command is relayed there and its answer returned.
 */
final class SendEndpoint {
    /** The relay topic of commands carried to the node that serves their session. */
    static final String RELAY_TOPIC = "send";

    private static final Logger log = LoggerFactory.getLogger(SendEndpoint.class);
    private static final String BEARER = "Bearer ";
    private static final Duration RELAY_TIMEOUT = Duration.ofSeconds(5);

    private final HandleCommandUseCase commands;
    private final SessionRelay relay;
    private final CommandDecoder decoder;
    private final EventEncoder encoder;
    private final int maxBodyBytes;

    SendEndpoint(
            HandleCommandUseCase commands,
            SessionRelay relay,
            CommandDecoder decoder,
            EventEncoder encoder,
            int maxBodyBytes) {
        this.commands = requireNonNull(commands, "commands");
        this.relay = requireNonNull(relay, "relay");
        this.decoder = requireNonNull(decoder, "decoder");
        this.encoder = requireNonNull(encoder, "encoder");
        this.maxBodyBytes = maxBodyBytes;
    }

    void handle(Context ctx) throws IOException {
        ctx.contentType("application/json");
        SessionToken token;
        String body;
        ClientCommand command;
        try {
            token = bearerToken(ctx.header("Authorization"));
            commands.authorize(token);
            body = body(ctx);
            command = decoder.decode(body);
        } catch (RejectedCommandException e) {
            write(ctx, refusal(e, e.ref()));
            return;
        } catch (ChatException e) {
            write(ctx, refusal(e, null));
            return;
        }
        try {
            write(ctx, carryOut(token, command));
        } catch (SessionElsewhereException e) {
            CompletableFuture<HttpAnswer> relayed = relay.ask(token, RELAY_TOPIC, body, RELAY_TIMEOUT)
                    .thenApply(HttpAnswer::parse)
                    .exceptionally(failure -> HttpAnswer.ofFailure(failure, command.ref(), encoder));
            ctx.future(() -> relayed.thenAccept(answer -> write(ctx, answer)));
        }
    }

    /** A command that another node got for a session this node serves: carried out here, never relayed on. */
    CompletableFuture<String> handleRelayed(SessionToken token, String body) {
        HttpAnswer answer;
        ClientCommand command = null;
        try {
            command = decoder.decode(body);
            answer = carryOut(token, command);
        } catch (RejectedCommandException e) {
            answer = refusal(e, e.ref());
        } catch (SessionElsewhereException e) { // taken over meanwhile: the client tries again
            answer = refusal(e, command.ref());
        }
        return CompletableFuture.completedFuture(answer.text());
    }

    /** @throws SessionElsewhereException when another node serves the session */
    private HttpAnswer carryOut(SessionToken token, ClientCommand command) {
        try {
            Ack ack = commands.handle(token, command);
            return HttpAnswer.ok(encoder.encode(ack).dataJson());
        } catch (SessionElsewhereException e) {
            throw e;
        } catch (ChatException e) {
            return refusal(e, command.ref());
        } catch (RuntimeException e) {
            log.error("send failed", e);
            return refusal(new ChatException(ErrorCode.INTERNAL, "internal error"), command.ref());
        }
    }

    private HttpAnswer refusal(ChatException e, String ref) {
        return HttpAnswer.refusal(e, ref, encoder);
    }

    private static void write(Context ctx, HttpAnswer answer) {
        ctx.status(answer.status()).result(answer.body());
    }

    private static SessionToken bearerToken(String authorization) {
        if (authorization == null || !authorization.startsWith(BEARER)) {
            throw new ChatException(ErrorCode.UNAUTHORIZED, "send Authorization: Bearer <session>");
        }
        return new SessionToken(authorization.substring(BEARER.length()).trim());
    }

    /** Reads at most the limit, so an oversized body costs no more memory than an allowed one. */
    private String body(Context ctx) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBodyBytes) {
            throw tooLarge();
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes(maxBodyBytes + 1);
            if (bytes.length > maxBodyBytes) {
                throw tooLarge();
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private ChatException tooLarge() {
        return new ChatException(ErrorCode.TOO_LARGE, "body is larger than " + maxBodyBytes + " bytes");
    }
}
