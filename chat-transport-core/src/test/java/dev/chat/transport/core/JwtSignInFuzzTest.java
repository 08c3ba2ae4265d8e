package dev.chat.transport.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ErrorCode;
import java.nio.charset.StandardCharsets;

/**
 * Whatever token a client hands in (a URL parameter, a refresh), sign-in answers with an identity or refuses it as
 * {@code unauthorized}, never another exception. Regression inputs (src/test/resources/.../JwtSignInFuzzTestInputs,
 * one a valid token of the secret below) run in every build.
 */
class JwtSignInFuzzTest {
    private final JwtSignIn signIn = JwtSignIn.withSecret("the-fuzzing-secret-of-at-least-32-bytes", null, null);

    @FuzzTest(maxDuration = "2m")
    void anyTokenSignsInOrIsRefusedAsUnauthorized(byte[] input) {
        String token = new String(input, StandardCharsets.UTF_8);
        try {
            assertThat(signIn.verify(token).isSignedIn()).isTrue();
        } catch (ChatException refused) {
            assertThat(refused.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
        }
    }
}
