package dev.chat.domain.port.in;

import static java.util.Objects.requireNonNull;

/** The use cases a transport drives, handed to it as one. */
public record ChatUseCases(
        ConnectUseCase connect, ResumeUseCase resume, HandleCommandUseCase commands, DisconnectUseCase disconnect) {
    public ChatUseCases {
        requireNonNull(connect, "connect");
        requireNonNull(resume, "resume");
        requireNonNull(commands, "commands");
        requireNonNull(disconnect, "disconnect");
    }
}
