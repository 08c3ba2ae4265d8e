package dev.chat.domain.model;

/** An event that happened in a room and fans out to its members through the event bus. */
public sealed interface RoomEvent extends ServerEvent
        permits ChatMessage, UserConnected, UserDisconnected, HistoryLost {
    RoomName room();
}
