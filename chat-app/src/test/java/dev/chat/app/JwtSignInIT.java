package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.chat.app.support.PollTestClient;
import dev.chat.app.support.RunningChat;
import dev.chat.app.support.SseTestClient;
import dev.chat.app.support.WsTestClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** With CHAT_JWT_HMAC_SECRET set, new sessions need a valid token on every transport; signed-in users' rules hold. */
class JwtSignInIT {
    static final String SECRET = "the-integration-test-secret-32-bytes!";

    private final RunningChat chat = RunningChat.start(ChatConfig.defaults(0)
            .withAbuse(ChatConfig.Abuse.NONE.withSignIn(new ChatConfig.SignIn(SECRET, null, null, null))));

    @AfterEach
    void stop() {
        chat.close();
    }

    static String token(String subject, String name, Instant expires, List<String> rooms) {
        JWTClaimsSet.Builder claims =
                new JWTClaimsSet.Builder().subject(subject).expirationTime(Date.from(expires));
        if (name != null) {
            claims.claim("name", name);
        }
        if (rooms != null) {
            claims.claim("rooms", rooms);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(new MACSigner(SECRET));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static String valid() {
        return token("user-ada", "Ada Lovelace", Instant.now().plus(1, ChronoUnit.HOURS), null);
    }

    private static String query(String token) {
        return token == null ? "" : "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    private WsTestClient signedIn(String token) {
        return WsTestClient.connect(URI.create(chat.chatUri() + query(token)), Map.of(), true);
    }

    private int upgradeStatus(String token) {
        try {
            signedIn(token).drop();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    @Test
    void givenAValidToken_everyTransportSignsTheUserIn_underTheirName() throws Exception {
        WsTestClient ws = signedIn(valid());
        SseTestClient sse = chat.sseClient(Map.of(), query(valid()));
        HttpResponse<String> poll = PollTestClient.get(chat.httpUri("/chat/poll" + query(valid())));

        assertThat(ws.nickname()).isEqualTo("AdaLovelace");
        assertThat(sse.status()).isEqualTo(200);
        assertThat(sse.welcome().path("user").textValue()).startsWith("AdaLovelace");
        assertThat(poll.statusCode()).isEqualTo(200);
        assertThat(poll.body()).contains("\"welcome\"");
    }

    @Test
    void givenNoExpiredOrForgedToken_everyTransportAnswers401_andNoSessionIsMade() throws Exception {
        String expired = token("user-ada", "Ada", Instant.now().minus(1, ChronoUnit.HOURS), null);
        String forged =
                valid().substring(0, valid().lastIndexOf('.') + 1) + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        for (String bad : new String[] {null, expired, forged, "garbage"}) {
            assertThat(upgradeStatus(bad)).as("WebSocket with %s", bad).isEqualTo(401);
            assertThat(chat.sseClient(Map.of(), query(bad)).status())
                    .as("SSE with %s", bad)
                    .isEqualTo(401);
            HttpResponse<String> poll = PollTestClient.get(chat.httpUri("/chat/poll" + query(bad)));
            assertThat(poll.statusCode()).as("poll with %s", bad).isEqualTo(401);
            assertThat(poll.body()).contains("\"code\":\"unauthorized\"");
        }
        assertThat(chat.localSessions()).isZero();
    }

    @Test
    void givenARoomsClaim_joiningAnotherRoomIsForbidden() {
        WsTestClient limited = signedIn(
                token("user-bob", "Bob", Instant.now().plus(1, ChronoUnit.HOURS), List.of("general", "team-*")));

        limited.sendJson(Map.of("event", "join", "data", Map.of("room", "team-red", "ref", "ok")));
        limited.sendJson(Map.of("event", "join", "data", Map.of("room", "secret", "ref", "no")));

        limited.await("ack", data -> "ok".equals(data.path("ref").textValue()));
        assertThat(limited.await("error", data -> "no".equals(data.path("ref").textValue()))
                        .path("code")
                        .textValue())
                .isEqualTo("forbidden");
    }

    @Test
    void givenATokenRunningOut_theClientIsWarned_andWithoutARefreshClosedWith4401_andItsRoomsHearItLeft() {
        WsTestClient bystander = signedIn(valid());
        WsTestClient expiring = signedIn(token("user-cy", "Cy", Instant.now().plus(2, ChronoUnit.SECONDS), null));

        assertThat(expiring.await("tokenExpiring").path("expiresAt").longValue())
                .isPositive();
        assertThat(expiring.awaitCloseCode()).isEqualTo(4401);
        assertThat(bystander.await("userDisconnected").path("user").textValue()).isEqualTo("Cy");
    }

    @Test
    void givenARefresh_theSessionCarriesOnPastTheOldExpiry() {
        Instant first = Instant.now().plus(3, ChronoUnit.SECONDS).truncatedTo(ChronoUnit.SECONDS);
        WsTestClient client = signedIn(token("user-di", "Di", first, null));
        client.await("tokenExpiring"); // within a minute of the end: at once
        Instant later = first.plus(61, ChronoUnit.SECONDS);

        client.sendJson(
                Map.of("event", "refresh", "data", Map.of("token", token("user-di", "Di", later, null), "ref", "r")));

        client.await("ack", data -> "r".equals(data.path("ref").textValue()));
        // The next warning comes a minute before the new end, a second after the old end: still connected then.
        long warnedFor = client.await("tokenExpiring").path("expiresAt").longValue();
        assertThat(warnedFor).isEqualTo(later.toEpochMilli());
        assertThat(Instant.now()).isAfter(first);
        assertThat(client.closedAtNanos()).isZero();
    }

    @Test
    void givenADroppedSignedInClient_itResumesWithoutAToken_asItself() {
        WsTestClient first =
                signedIn(token("user-ed", "Ed", Instant.now().plus(1, ChronoUnit.HOURS), List.of("general")));
        String session = first.session();
        first.drop();

        WsTestClient back = chat.resumingClient(session, null);

        assertThat(back.welcome().path("resumed").booleanValue()).isTrue();
        assertThat(back.nickname()).isEqualTo("Ed");
        back.sendJson(Map.of("event", "join", "data", Map.of("room", "elsewhere", "ref", "j")));
        assertThat(back.await("error").path("code").textValue()).isEqualTo("forbidden");
    }
}
