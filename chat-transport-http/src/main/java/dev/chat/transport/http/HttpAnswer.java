package dev.chat.transport.http;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.ErrorEvent;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.EventEncoder;
import dev.chat.transport.core.Admission;
import dev.chat.transport.core.Refusals;
import io.javalin.http.Context;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP endpoint's answer, status and JSON body, in a form that can cross to another node and back (the HTTP
 * transports relay requests to the node that serves a session).
 *
 * @param retryAfter the {@code Retry-After} header's value, or null for none
 */
public record HttpAnswer(int status, String body, String retryAfter) {
    private static final String BEARER = "Bearer ";
    private static final Pattern RETRY_AFTER_MS = Pattern.compile("\"retryAfterMs\":(\\d{1,12})");

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

    /** Done, nothing to say: 204 (an empty body). */
    public static HttpAnswer noContent() {
        return new HttpAnswer(204, "");
    }

    /**
     * The session named by {@code Authorization: Bearer SESSION}.
     *
     * @throws ChatException {@code unauthorized} when the header is missing or not a bearer token
     */
    public static SessionToken bearerToken(String authorization) {
        if (authorization == null || !authorization.startsWith(BEARER)) {
            throw new ChatException(ErrorCode.UNAUTHORIZED, "send Authorization: Bearer <session>");
        }
        return new SessionToken(authorization.substring(BEARER.length()).trim());
    }

    /**
     * An {@code error} event's data ({@code {code, message, ref?, retryAfterMs?}}) with the status that carries its
     * code, and {@code Retry-After} when it says when to try again.
     */
    public static HttpAnswer of(ErrorEvent error, EventEncoder encoder) {
        return new HttpAnswer(
                statusOf(error.code()), encoder.encode(error).dataJson(), retryAfterHeader(error.retryAfterMs()));
    }

    /** The refusal's error data with its status. */
    public static HttpAnswer refusal(ChatException refusal, String ref, EventEncoder encoder) {
        return of(Refusals.of(refusal, ref), encoder);
    }

    /** What a failure tells the client: the refusal it carries, else {@code internal} (logged). */
    public static HttpAnswer ofFailure(Throwable failure, String ref, EventEncoder encoder) {
        return of(Refusals.of(failure, ref), encoder);
    }

    /** {@code STATUS BODY}: what crosses between nodes (a {@code Retry-After} follows from the body's retryAfterMs). */
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
            String body = text.substring(space + 1);
            Matcher retry = RETRY_AFTER_MS.matcher(body);
            String retryAfter = retry.find() ? retryAfterHeader(Long.parseLong(retry.group(1))) : null;
            return new HttpAnswer(Integer.parseInt(text.substring(0, space)), body, retryAfter);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a relayed HTTP answer", e);
        }
    }

    /** Whole seconds, rounded up, at least one; null for none. */
    private static String retryAfterHeader(Long retryAfterMs) {
        return retryAfterMs == null ? null : Long.toString(Math.max(1, (retryAfterMs + 999) / 1000));
    }

    /** The HTTP status that carries each refusal, the same on every HTTP endpoint. */
    private static int statusOf(ErrorCode code) {
        return switch (code) {
            case UNAUTHORIZED -> 401;
            case FORBIDDEN -> 403;
            case TOO_LARGE -> 413;
            case RATE_LIMITED -> 429;
            case UNAVAILABLE -> 503;
            case INTERNAL -> 500;
            default -> 400;
        };
    }
}
