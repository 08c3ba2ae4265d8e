package dev.chat.domain.port.out;

import dev.chat.domain.model.Nickname;

/** Proposes random nicknames; uniqueness is the caller's job. Thread-safe. */
public interface NicknameGenerator {
    Nickname next();
}
