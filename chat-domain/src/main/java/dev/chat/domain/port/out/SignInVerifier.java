package dev.chat.domain.port.out;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.Identity;

/** Checks a sign-in token and says who it signs in. Thread-safe. */
public interface SignInVerifier {
    /** No sign-in: every session is anonymous, and no token is accepted. */
    SignInVerifier NONE = new SignInVerifier() {
        @Override
        public boolean required() {
            return false;
        }

        @Override
        public Identity verify(String token) {
            throw new ChatException(ErrorCode.UNAUTHORIZED, "this service does not sign users in");
        }
    };

    /** True when every new session needs a token. */
    boolean required();

    /**
     * @return the identity the token signs in, valid until the token's expiry
     * @throws ChatException {@code unauthorized} for a missing, malformed, forged, expired or foreign token
     */
    Identity verify(String token);
}
