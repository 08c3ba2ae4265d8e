package dev.chat.transport.http;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.Ack;
import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.ErrorEvent;
import dev.chat.domain.model.ServerEvent;
import dev.chat.domain.model.SessionElsewhereException;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.EventEncoder;
import dev.chat.relay.SessionRelay;
import dev.chat.transport.core.Commands;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /chat/send}: one command envelope from an HTTP client (SSE or long-polling), authenticated by
 * {@code Authorization: Bearer SESSION}. Answers 200 with the ack's data, or the error's data with its status.
 *
 * <p>Messages are posted by whichever node gets the request. Joining and leaving change the connection of the node
 * that serves the session, so when that is another node the command is relayed there and its answer returned.
 */
public final class SendEndpoint {
    /** The relay topic of commands carried to the node that serves their session. */
    static final String RELAY_TOPIC = "send";

    private static final Duration RELAY_TIMEOUT = Duration.ofSeconds(5);

    /** The most of a refused body read before answering; a larger one gets the answer and the close at once. */
    private static final long MAX_DISCARDED_BYTES = 1024 * 1024;

    private final Commands commands;
    private final SessionRelay relay;
    private final EventEncoder encoder;
    private final String path;
    private final int maxBodyBytes;

    /**
     * @param path where HTTP clients POST commands, e.g. {@code /chat/send}
     * @param maxBodyBytes largest command body accepted; a larger one gets 413
     */
    public SendEndpoint(Commands commands, SessionRelay relay, EventEncoder encoder, String path, int maxBodyBytes) {
        this.commands = requireNonNull(commands, "commands");
        this.relay = requireNonNull(relay, "relay");
        this.encoder = requireNonNull(encoder, "encoder");
        this.path = requireNonNull(path, "path");
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("maxBodyBytes must be at least 1024: " + maxBodyBytes);
        }
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Registers the route and this node's side of the relay; call while the Javalin app is being created. */
    public void install(JavalinConfig config) {
        config.routes.post(path, this::handle);
        relay.serve(RELAY_TOPIC, this::handleRelayed);
    }

    private void handle(Context ctx) throws IOException {
        ctx.contentType("application/json");
        SessionToken token;
        String body;
        try {
            token = HttpAnswer.bearerToken(ctx.header("Authorization"));
            commands.useCase().authorize(token);
            body = body(ctx);
        } catch (ChatException e) {
            discardUnreadBody(ctx);
            HttpAnswer.refusal(e, null, encoder).writeTo(ctx);
            return;
        }
        try {
            carryOut(token, body).writeTo(ctx);
        } catch (SessionElsewhereException e) {
            CompletableFuture<HttpAnswer> relayed = relay.ask(token, RELAY_TOPIC, body, RELAY_TIMEOUT)
                    .thenApply(HttpAnswer::parse)
                    .exceptionally(failure -> HttpAnswer.ofFailure(failure, null, encoder));
            ctx.future(() -> relayed.thenAccept(answer -> answer.writeTo(ctx)));
        }
    }

    /** A command that another node got for a session this node serves: carried out here, never relayed on. */
    private CompletableFuture<String> handleRelayed(SessionToken token, String body) {
        HttpAnswer answer;
        try {
            answer = carryOut(token, body);
        } catch (SessionElsewhereException e) { // taken over meanwhile: the client tries again
            answer = HttpAnswer.refusal(e, null, encoder);
        }
        return CompletableFuture.completedFuture(answer.text());
    }

    /** @throws SessionElsewhereException when another node serves the session */
    private HttpAnswer carryOut(SessionToken token, String body) {
        ServerEvent reply = commands.carryOut(token, body);
        if (reply instanceof ErrorEvent error) {
            return HttpAnswer.of(error, encoder);
        }
        return HttpAnswer.ok(encoder.encode((Ack) reply).dataJson());
    }

    /** Reads at most the limit, so an oversized body costs no more memory than an allowed one. */
    private String body(Context ctx) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBodyBytes) {
            throw tooLarge();
        }
        byte[] bytes = ctx.req().getInputStream().readNBytes(maxBodyBytes + 1);
        if (bytes.length > maxBodyBytes) {
            throw tooLarge();
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Reads and drops what is left of a refused request's body, up to {@link #MAX_DISCARDED_BYTES}. Answering while
     * the client is still sending would make the close that follows reset the connection, and a client writing its
     * body then loses the answer (nginx's lingering close does the same). A client that asked to be told first
     * ({@code Expect: 100-continue}) has sent no body: it gets the answer and no invitation to send one.
     */
    private static void discardUnreadBody(Context ctx) throws IOException {
        if ("100-continue".equalsIgnoreCase(ctx.header("Expect"))
                || ctx.req().getContentLengthLong() > MAX_DISCARDED_BYTES) {
            return;
        }
        InputStream in = ctx.req().getInputStream();
        byte[] scratch = new byte[8192];
        long discarded = 0;
        for (int read; discarded <= MAX_DISCARDED_BYTES && (read = in.read(scratch)) != -1; ) {
            discarded += read;
        }
    }

    private ChatException tooLarge() {
        return new ChatException(ErrorCode.TOO_LARGE, "body is larger than " + maxBodyBytes + " bytes");
    }
}
