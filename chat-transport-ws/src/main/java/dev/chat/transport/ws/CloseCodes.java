package dev.chat.transport.ws;

import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.ErrorCode;

/** WebSocket close codes the server uses (RFC 6455 section 7.4; 4000-4999 are ours, see docs/protocol.md). */
final class CloseCodes {
    static final int NORMAL = 1000;
    static final int GOING_AWAY = 1001;
    static final int POLICY_VIOLATION = 1008;
    static final int INTERNAL_ERROR = 1011;
    static final int SERVICE_RESTART = 1012;
    static final int TRY_AGAIN_LATER = 1013;
    static final int SLOW_CONSUMER = 4008;
    static final int REPLACED = 4009;
    static final int UNKNOWN_SESSION = 4401;

    private CloseCodes() {}

    static int of(CloseReason reason) {
        return switch (reason) {
            case SHUTDOWN -> GOING_AWAY;
            case RESTART -> SERVICE_RESTART;
            case SLOW_CONSUMER -> SLOW_CONSUMER;
            case REPLACED -> REPLACED;
            case ENDED -> NORMAL;
            case ABUSE -> POLICY_VIOLATION;
            case SIGNED_OUT -> UNKNOWN_SESSION;
        };
    }

    /** The close code of a refused connect or resume: unknown sessions are final, anything else is worth a retry. */
    static int ofRefusal(ErrorCode code) {
        return switch (code) {
            case UNAUTHORIZED -> UNKNOWN_SESSION;
            case INTERNAL -> INTERNAL_ERROR;
            default -> TRY_AGAIN_LATER;
        };
    }

    static String phrase(CloseReason reason) {
        return switch (reason) {
            case SHUTDOWN -> "server shutting down, reconnect";
            case RESTART -> "node restarting, reconnect and resume";
            case SLOW_CONSUMER -> "slow consumer, reconnect and resume";
            case REPLACED -> "session resumed on another connection";
            case ENDED -> "session ended";
            case ABUSE -> "rate limit abuse: kept flooding, session ended";
            case SIGNED_OUT -> "sign-in expired: connect again with a fresh token";
        };
    }
}
