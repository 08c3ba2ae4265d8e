package dev.chat.domain.model;

/** Everything the server sends to a client. Transports encode these; the domain never knows how. */
public sealed interface ServerEvent
        permits RoomEvent,
                Welcome,
                ActiveUsers,
                NotRecovered,
                Ack,
                ErrorEvent,
                Heartbeat,
                TokenExpiring,
                MembersPage,
                PresenceChange {}
