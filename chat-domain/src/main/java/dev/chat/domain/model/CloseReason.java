package dev.chat.domain.model;

/** Why the server closes a connection. Transports map each reason to their own close signal. */
public enum CloseReason {
    /** The node is shutting down; reconnect (to another node) and resume. */
    SHUTDOWN,
    /** The client did not read fast enough and its outbound queue overflowed; reconnect and resume. */
    SLOW_CONSUMER,
    /** The node is going away and has handed the session over: reconnect (to another node) and resume. */
    RESTART,
    /** The same session was resumed on another connection. */
    REPLACED,
    /** The client ended its session on purpose (it said goodbye): nothing to resume. */
    ENDED,
    /** The session kept flooding far over its rate limit and was ended. */
    ABUSE,
    /** The signed-in user's token ran out and no fresh one came: the session was ended. */
    SIGNED_OUT
}
