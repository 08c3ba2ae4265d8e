package dev.chat.domain.model;

/** Every refusal the service can give, with the stable machine-readable code clients see on the wire. */
public enum ErrorCode {
    MALFORMED_JSON("malformed_json"),
    INVALID_ENVELOPE("invalid_envelope"),
    UNKNOWN_EVENT("unknown_event"),
    INVALID_FIELD("invalid_field"),
    TOO_LARGE("too_large"),
    EMPTY_TEXT("empty_text"),
    TEXT_TOO_LONG("text_too_long"),
    INVALID_ROOM("invalid_room"),
    NOT_IN_ROOM("not_in_room"),
    TOO_MANY_ROOMS("too_many_rooms"),
    /** Over the session's rate limit: nothing was done; the error says when to try again ({@code retryAfterMs}). */
    RATE_LIMITED("rate_limited"),
    UNAUTHORIZED("unauthorized"),
    /** The signed-in user may not join that room (its token does not list it). */
    FORBIDDEN("forbidden"),
    /** Refused, nothing changed: try again. */
    UNAVAILABLE("unavailable"),
    /** The command may or may not have been carried out: send it again with the same ref, which lands it once. */
    OUTCOME_UNKNOWN("outcome_unknown"),
    INTERNAL("internal");

    private final String wireCode;

    ErrorCode(String wireCode) {
        this.wireCode = wireCode;
    }

    public String wireCode() {
        return wireCode;
    }
}
