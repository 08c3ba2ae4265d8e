package dev.chat.transport.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.Identity;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

class JwtSignInTest {
    private static final String SECRET = "a-secret-of-at-least-thirty-two-bytes!!";
    private static final Instant IN_AN_HOUR =
            Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

    private final JwtSignIn hmac = JwtSignIn.withSecret(SECRET, null, null);

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder()
                .subject("user-42")
                .claim("name", "Ada Lovelace")
                .expirationTime(Date.from(IN_AN_HOUR));
    }

    private static String signed(JWSSigner signer, JWSAlgorithm algorithm, JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static String hs256(JWTClaimsSet claims) {
        try {
            return signed(new MACSigner(SECRET), JWSAlgorithm.HS256, claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertUnauthorized(Runnable verify) {
        assertThatThrownBy(verify::run)
                .isInstanceOfSatisfying(
                        ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED));
    }

    @Test
    void givenAValidToken_itSignsInItsSubject_underItsNameAsANickname_untilItsExpiry() {
        Identity identity = hmac.verify(hs256(claims().build()));

        assertThat(identity.userId()).isEqualTo("user-42");
        assertThat(identity.nickname()).isEqualTo(new Nickname("AdaLovelace"));
        assertThat(identity.signedInUntil()).isEqualTo(IN_AN_HOUR);
        assertThat(identity.access().everyRoom()).isTrue();
    }

    @Test
    void givenARoomsClaim_onlyThoseRoomsAreAllowed() {
        Identity identity = hmac.verify(
                hs256(claims().claim("rooms", List.of("team-*", "general")).build()));

        assertThat(identity.access().allows(RoomName.of("team-blue"))).isTrue();
        assertThat(identity.access().allows(RoomName.GENERAL)).isTrue();
        assertThat(identity.access().allows(RoomName.of("random"))).isFalse();
    }

    @Test
    void givenNoName_theSubjectIsTheNickname() {
        Identity identity = hmac.verify(hs256(new JWTClaimsSet.Builder()
                .subject("grace.hopper@example.com")
                .expirationTime(Date.from(IN_AN_HOUR))
                .build()));

        assertThat(identity.nickname()).isEqualTo(new Nickname("gracehopperexamplecom"));
    }

    @Test
    void givenAnExpiredNotYetValidForgedOrIncompleteToken_itIsRefused() {
        Instant anHourAgo = Instant.now().minus(1, ChronoUnit.HOURS);
        assertUnauthorized(() ->
                hmac.verify(hs256(claims().expirationTime(Date.from(anHourAgo)).build())));
        assertUnauthorized(() ->
                hmac.verify(hs256(claims().notBeforeTime(Date.from(IN_AN_HOUR)).build())));
        assertUnauthorized(
                () -> hmac.verify(hs256(new JWTClaimsSet.Builder().subject("x").build()))); // no exp
        assertUnauthorized(() -> hmac.verify(hs256(
                new JWTClaimsSet.Builder().expirationTime(Date.from(IN_AN_HOUR)).build()))); // no sub
        String forged = signedWith("another-secret-of-thirty-two-bytes!!!", claims().build());
        assertUnauthorized(() -> hmac.verify(forged));
        assertUnauthorized(() -> hmac.verify("not.a.jwt"));
        assertUnauthorized(() -> hmac.verify(""));
        assertUnauthorized(() -> hmac.verify(null));
    }

    @Test
    void givenAnUnsignedToken_itIsRefused() {
        String[] parts = hs256(claims().build()).split("\\.");
        String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes());
        assertUnauthorized(() -> hmac.verify(none + "." + parts[1] + "."));
    }

    @Test
    void givenAnIssuerAndAudience_tokensMustNameThem() {
        JwtSignIn strict = JwtSignIn.withSecret(SECRET, "https://id.example", "chat");

        assertThat(strict.verify(hs256(claims().issuer("https://id.example")
                                .audience("chat")
                                .build()))
                        .userId())
                .isEqualTo("user-42");
        assertUnauthorized(() -> strict.verify(
                hs256(claims().issuer("https://evil.example").audience("chat").build())));
        assertUnauthorized(() -> strict.verify(
                hs256(claims().issuer("https://id.example").audience("other").build())));
        assertUnauthorized(() -> strict.verify(hs256(claims().build())));
    }

    @Test
    void givenAnRsaPublicKey_rs256TokensOfItsPrivateKeyAreAccepted() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        JwtSignIn rsa = JwtSignIn.withPublicKey(pem(keys), null, null);

        String token = signed(new RSASSASigner(keys.getPrivate()), JWSAlgorithm.RS256, claims().build());

        assertThat(rsa.verify(token).userId()).isEqualTo("user-42");
        assertUnauthorized(() -> rsa.verify(hs256(claims().build()))); // an HS256 token is not let in
    }

    @Test
    void givenAnEcPublicKey_es256TokensOfItsPrivateKeyAreAccepted() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        JwtSignIn ec = JwtSignIn.withPublicKey(pem(keys), null, null);

        String token = signed(new ECDSASigner((ECPrivateKey) keys.getPrivate()), JWSAlgorithm.ES256, claims().build());

        assertThat(ec.verify(token).userId()).isEqualTo("user-42");
    }

    @Test
    void givenAShortSecretOrABadKey_itIsRefusedAtStart() {
        assertThatThrownBy(() -> JwtSignIn.withSecret("short", null, null)).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> JwtSignIn.withPublicKey(
                        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", null, null))
                .hasMessageContaining("CHAT_JWT_PUBLIC_KEY_FILE");
    }

    private static String signedWith(String secret, JWTClaimsSet claims) {
        try {
            return signed(new MACSigner(secret), JWSAlgorithm.HS256, claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(KeyPair keys) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes())
                        .encodeToString(keys.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }
}
