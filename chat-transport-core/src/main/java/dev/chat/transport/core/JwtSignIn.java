package dev.chat.transport.core;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.Identity;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomAccess;
import dev.chat.domain.port.out.SignInVerifier;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Sign-in with JSON Web Tokens, checked by nimbus-jose-jwt: the signature (HS256 with a shared secret, or RS256 /
 * ES256 with a public key), {@code exp} (required), {@code nbf}, and {@code iss} / {@code aud} when configured, with
 * a minute of clock skew. {@code sub} is the user; the nickname is {@code name} (else {@code sub}) kept to letters
 * and digits; an optional {@code rooms} claim lists the rooms (or prefixes ending in {@code *}) the user may join.
 * Thread-safe.
 */
public final class JwtSignIn implements SignInVerifier {
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    private JwtSignIn(JWSAlgorithm algorithm, JWKSource<SecurityContext> keys, String issuer, String audience) {
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithm, keys));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (issuer != null) {
            exact.issuer(issuer);
        }
        processor.setJWTClaimsSetVerifier(
                new DefaultJWTClaimsVerifier<>(audience, exact.build(), Set.of("exp", "sub")));
    }

    /**
     * HS256 tokens signed with {@code secret} (at least 32 bytes).
     *
     * @param issuer the required {@code iss}, or null
     * @param audience the required {@code aud}, or null
     */
    public static JwtSignIn withSecret(String secret, String issuer, String audience) {
        byte[] bytes = requireNonNull(secret, "secret").getBytes(StandardCharsets.UTF_8);
        if (bytes.length < 32) {
            throw new IllegalArgumentException("CHAT_JWT_HMAC_SECRET must be at least 32 bytes for HS256");
        }
        return new JwtSignIn(JWSAlgorithm.HS256, new ImmutableSecret<>(bytes), issuer, audience);
    }

    /**
     * RS256 or ES256 (P-256) tokens, checked with a public key in PEM ({@code -----BEGIN PUBLIC KEY-----}).
     *
     * @throws IllegalArgumentException when the PEM holds no RSA or P-256 public key
     */
    public static JwtSignIn withPublicKey(String pem, String issuer, String audience) {
        PublicKey key = publicKey(pem);
        JWK jwk;
        JWSAlgorithm algorithm;
        if (key instanceof RSAPublicKey rsa) {
            jwk = new RSAKey.Builder(rsa).build();
            algorithm = JWSAlgorithm.RS256;
        } else if (key instanceof ECPublicKey ec && Curve.P_256.equals(Curve.forECParameterSpec(ec.getParams()))) {
            jwk = new ECKey.Builder(Curve.P_256, ec).build();
            algorithm = JWSAlgorithm.ES256;
        } else {
            throw new IllegalArgumentException("CHAT_JWT_PUBLIC_KEY_FILE must hold an RSA or P-256 public key");
        }
        return new JwtSignIn(algorithm, new ImmutableJWKSet<>(new JWKSet(jwk)), issuer, audience);
    }

    @Override
    public boolean required() {
        return true;
    }

    @Override
    public Identity verify(String token) {
        if (token == null || token.isBlank()) {
            throw new ChatException(ErrorCode.UNAUTHORIZED, "sign in: pass a token (?token=...)");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException | BadJOSEException | JOSEException e) {
            throw new ChatException(ErrorCode.UNAUTHORIZED, "the sign-in token is not valid: " + e.getMessage());
        }
        try {
            String subject = claims.getSubject();
            String name = claims.getStringClaim("name");
            List<String> rooms = claims.getStringListClaim("rooms");
            return Identity.signedIn(
                    subject,
                    nickname(name, subject),
                    rooms == null ? RoomAccess.EVERY_ROOM : RoomAccess.only(rooms),
                    claims.getExpirationTime().toInstant());
        } catch (ParseException | IllegalArgumentException e) {
            throw new ChatException(
                    ErrorCode.UNAUTHORIZED, "the sign-in token's claims are not usable: " + e.getMessage());
        }
    }

    /** {@code name}, else {@code sub}, kept to the letters and digits a nickname may hold. */
    static Nickname nickname(String name, String subject) {
        for (String candidate : new String[] {name, subject}) {
            if (candidate == null) {
                continue;
            }
            StringBuilder kept = new StringBuilder();
            candidate
                    .codePoints()
                    .filter(c -> c < 128 && Character.isLetterOrDigit(c))
                    .limit(64)
                    .forEach(kept::appendCodePoint);
            if (!kept.isEmpty()) {
                return new Nickname(kept.toString());
            }
        }
        throw new IllegalArgumentException("neither name nor sub holds a letter or digit");
    }

    private static PublicKey publicKey(String pem) {
        String base64 = requireNonNull(pem, "pem")
                .replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "")
                .replaceAll("\\s", "");
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("CHAT_JWT_PUBLIC_KEY_FILE is not a PEM public key", e);
        }
        Set<String> tried = new HashSet<>();
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                tried.add(algorithm);
            }
        }
        throw new IllegalArgumentException("CHAT_JWT_PUBLIC_KEY_FILE holds no " + tried + " public key");
    }
}
