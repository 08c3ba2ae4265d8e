package dev.chat.domain.model;

/** A command from a client. {@code ref} is the client's optional reference, echoed in the ack or error. */
public sealed interface ClientCommand permits SendMessage, JoinRoom, LeaveRoom, RefreshSignIn, ListMembers {
    String ref();
}
