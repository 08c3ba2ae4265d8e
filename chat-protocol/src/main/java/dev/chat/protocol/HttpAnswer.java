package dev.chat.protocol;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.ErrorEvent;
import dev.chat.domain.port.out.EventEncoder;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP endpoint's answer, status and JSON body, in a form that can cross to another node and back (the HTTP
 * transports relay requests to the node that serves a session).
 */
public record HttpAnswer(int status, String body) {
    private static final Logger log = LoggerFactory.getLogger(HttpAnswer.class);

    public HttpAnswer {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("not an HTTP status: " + status);
        }
        requireNonNull(body, "body");
    }

    public static HttpAnswer ok(String body) {
        return new HttpAnswer(200, body);
    }

    /** The refusal's error data ({@code {code, message, ref?}}) with its status. */
    public static HttpAnswer refusal(ChatException refusal, String ref, EventEncoder encoder) {
        String body = encoder.encode(new ErrorEvent(refusal.code(), refusal.getMessage(), ref))
                .dataJson();
        return new HttpAnswer(statusOf(refusal.code()), body);
    }

    /** What a failed asynchronous answer tells the client: the refusal it carries, else {@code internal} (logged). */
    public static HttpAnswer ofFailure(Throwable failure, String ref, EventEncoder encoder) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof ChatException refusal) {
            return refusal(refusal, ref, encoder);
        }
        log.error("request failed", cause);
        return refusal(new ChatException(ErrorCode.INTERNAL, "internal error"), ref, encoder);
    }

    /** {@code STATUS BODY}: what crosses between nodes. */
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
