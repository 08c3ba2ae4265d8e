package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

/** A signed-in client hands in a fresh token before its sign-in runs out; the session carries on under it. */
public record RefreshSignIn(String token, String ref) implements ClientCommand {
    public RefreshSignIn {
        requireNonNull(token, "token");
    }

    @Override
    public String toString() {
        return "RefreshSignIn[ref=" + ref + "]"; // never the token
    }
}
