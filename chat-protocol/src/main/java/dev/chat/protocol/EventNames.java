package dev.chat.protocol;

import dev.chat.domain.model.Ack;
import dev.chat.domain.model.ActiveUsers;
import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.ErrorEvent;
import dev.chat.domain.model.Heartbeat;
import dev.chat.domain.model.MembersPage;
import dev.chat.domain.model.NotRecovered;
import dev.chat.domain.model.PresenceChange;
import dev.chat.domain.model.ServerEvent;
import dev.chat.domain.model.TokenExpiring;
import dev.chat.domain.model.UserConnected;
import dev.chat.domain.model.UserDisconnected;
import dev.chat.domain.model.Welcome;

/** The wire names of events, in both directions. */
public final class EventNames {
    public static final String WELCOME = "welcome";
    public static final String ACTIVE_USERS = "activeUsers";
    public static final String USER_CONNECTED = "userConnected";
    public static final String USER_DISCONNECTED = "userDisconnected";
    public static final String MESSAGE = "message";
    public static final String NOT_RECOVERED = "notRecovered";
    public static final String ACK = "ack";
    public static final String HEARTBEAT = "heartbeat";
    public static final String ERROR = "error";
    public static final String JOIN = "join";
    public static final String LEAVE = "leave";
    public static final String REFRESH = "refresh";
    public static final String MEMBERS = "members";
    public static final String PRESENCE = "presence";
    public static final String TOKEN_EXPIRING = "tokenExpiring";

    private EventNames() {}

    static String of(ServerEvent event) {
        if (event instanceof ChatMessage) {
            return MESSAGE;
        } else if (event instanceof UserConnected) {
            return USER_CONNECTED;
        } else if (event instanceof UserDisconnected) {
            return USER_DISCONNECTED;
        } else if (event instanceof ActiveUsers) {
            return ACTIVE_USERS;
        } else if (event instanceof Welcome) {
            return WELCOME;
        } else if (event instanceof NotRecovered) {
            return NOT_RECOVERED;
        } else if (event instanceof Heartbeat) {
            return HEARTBEAT;
        } else if (event instanceof Ack) {
            return ACK;
        } else if (event instanceof ErrorEvent) {
            return ERROR;
        } else if (event instanceof TokenExpiring) {
            return TOKEN_EXPIRING;
        } else if (event instanceof MembersPage) {
            return MEMBERS;
        } else if (event instanceof PresenceChange) {
            return PRESENCE;
        }
        throw new IllegalArgumentException(
                "no wire name for " + event.getClass().getName());
    }
}
