package dev.chat.transport.http;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.SessionElsewhereException;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.in.DisconnectUseCase;
import dev.chat.domain.port.out.EventEncoder;
import dev.chat.relay.SessionRelay;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code DELETE /chat/session} with {@code Authorization: Bearer SESSION}: an HTTP client (SSE, long-polling) says
 * goodbye, and its session ends at once, its rooms told it left; 204. Ending happens on the node that serves the
 * session, so when that is another node the request is relayed there. The same path ends a session found flooding.
 */
public final class SessionEndpoint {
    /** The relay topic of sessions to end on the node that serves them; the body is the close reason's name. */
    static final String RELAY_TOPIC = "end";

    private static final Logger log = LoggerFactory.getLogger(SessionEndpoint.class);
    private static final Duration RELAY_TIMEOUT = Duration.ofSeconds(5);

    private final DisconnectUseCase useCase;
    private final SessionRelay relay;
    private final EventEncoder encoder;
    private final String path;

    /** @param path where HTTP clients end their session, e.g. {@code /chat/session} */
    public SessionEndpoint(DisconnectUseCase useCase, SessionRelay relay, EventEncoder encoder, String path) {
        this.useCase = requireNonNull(useCase, "useCase");
        this.relay = requireNonNull(relay, "relay");
        this.encoder = requireNonNull(encoder, "encoder");
        this.path = requireNonNull(path, "path");
    }

    /** Registers the route and this node's side of the relay; call while the Javalin app is being created. */
    public void install(JavalinConfig config) {
        config.routes.delete(path, this::handle);
        relay.serve(RELAY_TOPIC, this::handleRelayed);
    }

    /** A session found flooding: ended where it is served (in the background; the caller has answered already). */
    public void endForAbuse(SessionToken session) {
        end(session, CloseReason.ABUSE).thenAccept(answer -> {
            if (answer.status() >= 500) {
                log.warn("a flooding session could not be ended now: {}", answer.body());
            }
        });
    }

    private void handle(Context ctx) {
        ctx.contentType("application/json");
        SessionToken token;
        try {
            token = HttpAnswer.bearerToken(ctx.header("Authorization"));
        } catch (ChatException e) {
            HttpAnswer.refusal(e, null, encoder).writeTo(ctx);
            return;
        }
        CompletableFuture<HttpAnswer> ended = end(token, CloseReason.ENDED);
        ctx.future(() -> ended.thenAccept(answer -> answer.writeTo(ctx)));
    }

    private CompletableFuture<HttpAnswer> end(SessionToken token, CloseReason why) {
        try {
            return CompletableFuture.completedFuture(endHere(token, why));
        } catch (SessionElsewhereException e) {
            return relay.ask(token, RELAY_TOPIC, why.name(), RELAY_TIMEOUT)
                    .thenApply(HttpAnswer::parse)
                    .exceptionally(failure -> HttpAnswer.ofFailure(failure, null, encoder));
        }
    }

    /** @throws SessionElsewhereException when another node serves the session */
    private HttpAnswer endHere(SessionToken token, CloseReason why) {
        try {
            useCase.end(token, why);
            return HttpAnswer.noContent();
        } catch (SessionElsewhereException e) {
            throw e;
        } catch (RuntimeException e) {
            return HttpAnswer.ofFailure(e, null, encoder);
        }
    }

    /** Another node got the goodbye of a session this node serves: ended here, never relayed on. */
    private CompletableFuture<String> handleRelayed(SessionToken token, String reason) {
        HttpAnswer answer;
        try {
            answer = endHere(token, CloseReason.valueOf(reason));
        } catch (IllegalArgumentException e) {
            answer = HttpAnswer.refusal(
                    new ChatException(ErrorCode.INVALID_FIELD, "not a close reason: " + reason), null, encoder);
        } catch (SessionElsewhereException e) { // taken over meanwhile: the client tries again
            answer = HttpAnswer.refusal(e, null, encoder);
        }
        return CompletableFuture.completedFuture(answer.text());
    }
}
