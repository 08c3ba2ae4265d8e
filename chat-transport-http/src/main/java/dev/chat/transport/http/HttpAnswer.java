package dev.chat.transport.http;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.ErrorEvent;
import dev.chat.domain.port.out.EventEncoder;
import dev.chat.transport.core.Admission;
import dev.chat.transport.core.Refusals;
import io.javalin.http.Context;

/**
 * An HTTP endpoint's answer, status and JSON body, in a form that can cross to another node and back (the HTTP
 * transports relay requests to the node that serves a session).
 *
 * @param retryAfter the {@code Retry-After} header's value, or null for none
 */
public record HttpAnswer(int status, String body, String retryAfter) {
    public HttpAnswer {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("not an HTTP status: " + status);
        }
        requireNonNull(body, "body");
    }

    /** Without {@code Retry-After}. */
    public HttpAnswer(int status, String body) {
        this(status, body, null);
    }

    /** A connection the node does not take now: 503, {@code unavailable}, and when to try again. */
    public static HttpAnswer notAdmitted(Admission.Refusal refusal, EventEncoder encoder) {
        String body = encoder.encode(new ErrorEvent(ErrorCode.UNAVAILABLE, refusal.reason(), null))
                .dataJson();
        return new HttpAnswer(503, body, refusal.retryAfterHeader());
    }

    /** Writes the status, {@code Retry-After} if any, and the body. */
    public void writeTo(Context ctx) {
        if (retryAfter != null) {
            ctx.header("Retry-After", retryAfter);
        }
        ctx.status(status).result(body);
    }

    public static HttpAnswer ok(String body) {
        return new HttpAnswer(200, body);
    }

    /** An {@code error} event's data ({@code {code, message, ref?}}) with the status that carries its code. */
    public static HttpAnswer of(ErrorEvent error, EventEncoder encoder) {
        return new HttpAnswer(statusOf(error.code()), encoder.encode(error).dataJson());
    }

    /** The refusal's error data with its status. */
    public static HttpAnswer refusal(ChatException refusal, String ref, EventEncoder encoder) {
        return of(Refusals.of(refusal, ref), encoder);
    }

    /** What a failure tells the client: the refusal it carries, else {@code internal} (logged). */
    public static HttpAnswer ofFailure(Throwable failure, String ref, EventEncoder encoder) {
        return of(Refusals.of(failure, ref), encoder);
    }

    /** {@code STATUS BODY}: what crosses between nodes (a {@code Retry-After} does not). */
    public String text() {
        return status + " " + body;
    }

    /** @throws IllegalArgumentException when the text is not an answer's */
    public static HttpAnswer parse(String text) {
        int space = text.indexOf(' ');
        if (space != 3) {
            throw new IllegalArgumentException("not a relayed HTTP answer");
        }
        try {
            return new HttpAnswer(Integer.parseInt(text.substring(0, space)), text.substring(space + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a relayed HTTP answer", e);
        }
    }

    /** The HTTP status that carries each refusal, the same on every HTTP endpoint. */
    private static int statusOf(ErrorCode code) {
        return switch (code) {
            case UNAUTHORIZED -> 401;
            case TOO_LARGE -> 413;
            case UNAVAILABLE -> 503;
            case INTERNAL -> 500;
            default -> 400;
        };
    }
}
