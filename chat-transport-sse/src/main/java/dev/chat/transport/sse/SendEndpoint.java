package dev.chat.transport.sse;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.Ack;
import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ClientCommand;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.ErrorEvent;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.in.HandleCommandUseCase;
import dev.chat.domain.port.out.EventEncoder;
import dev.chat.protocol.CommandDecoder;
import dev.chat.protocol.RejectedCommandException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /chat/send}: one command envelope from an HTTP client (SSE or long-polling), authenticated by
 * {@code Authorization: Bearer SESSION}. Answers 200 with the ack's data, or the error's data with its status.
 */
final class SendEndpoint {
    private static final Logger log = LoggerFactory.getLogger(SendEndpoint.class);
    private static final String BEARER = "Bearer ";

    private final HandleCommandUseCase commands;
    private final CommandDecoder decoder;
    private final EventEncoder encoder;
    private final int maxBodyBytes;

    SendEndpoint(HandleCommandUseCase commands, CommandDecoder decoder, EventEncoder encoder, int maxBodyBytes) {
        this.commands = requireNonNull(commands, "commands");
        this.decoder = requireNonNull(decoder, "decoder");
        this.encoder = requireNonNull(encoder, "encoder");
        this.maxBodyBytes = maxBodyBytes;
    }

    void handle(Context ctx) throws IOException {
        ctx.contentType("application/json");
        String ref = null;
        try {
            SessionToken token = bearerToken(ctx.header("Authorization"));
            commands.authorize(token);
            ClientCommand command = decoder.decode(body(ctx));
            ref = command.ref();
            Ack ack = commands.handle(token, command);
            ctx.status(200).result(encoder.encode(ack).dataJson());
        } catch (RejectedCommandException e) {
            refuse(ctx, e, e.ref());
        } catch (ChatException e) {
            refuse(ctx, e, ref);
        } catch (RuntimeException e) {
            log.error("send failed", e);
            refuse(ctx, new ChatException(ErrorCode.INTERNAL, "internal error"), ref);
        }
    }

    private void refuse(Context ctx, ChatException e, String ref) {
        ctx.status(HttpStatusOf.code(e.code()))
                .result(encoder.encode(new ErrorEvent(e.code(), e.getMessage(), ref))
                        .dataJson());
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
