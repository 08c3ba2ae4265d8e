package dev.chat.domain.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.domain.memory.InMemoryEventBus;
import dev.chat.domain.memory.InMemoryMessageHistory;
import dev.chat.domain.memory.InMemoryPresenceStore;
import dev.chat.domain.memory.InMemorySessionStore;
import dev.chat.domain.model.ActiveUsers;
import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ChatLimits;
import dev.chat.domain.model.CloseReason;
import dev.chat.domain.model.Cursor;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.Identity;
import dev.chat.domain.model.JoinRoom;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RefreshSignIn;
import dev.chat.domain.model.RoomAccess;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.model.TokenExpiring;
import dev.chat.domain.model.UserConnected;
import dev.chat.domain.model.UserDisconnected;
import dev.chat.domain.model.Welcome;
import dev.chat.domain.nickname.SeedNicknameGenerator;
import dev.chat.domain.port.out.SignInVerifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SignInTest {
    /**
     * Arrivals and departures go out at once (no burst window), so what a member heard is complete when a call
     * returns and "nobody was told" cannot pass on an event still held; PresenceBurstTest covers the window.
     */
    private static final ChatLimits EACH_AT_ONCE = ChatLimits.DEFAULTS.withPresenceBurstWindow(Duration.ZERO);

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final Instant IN_TEN_MINUTES = NOW.plus(Duration.ofMinutes(10));

    private final ManualScheduler scheduler = new ManualScheduler();
    private final InMemoryEventBus bus = new InMemoryEventBus();
    /** Tokens are their identities' names here: the verifier is a table. */
    private final Map<String, Identity> tokens = new java.util.HashMap<>();

    private final ChatService chat = new ChatService(
            new ChatService.Ports(
                            new InMemorySessionStore(),
                            new InMemoryPresenceStore(),
                            new InMemoryMessageHistory(bus, 100),
                            bus,
                            new SeedNicknameGenerator(new Random(11)),
                            new CountingEncoder(),
                            Clock.fixed(NOW, ZoneOffset.UTC),
                            scheduler)
                    .withSignIn(new TableVerifier()),
            EACH_AT_ONCE);

    private static Identity ada(RoomAccess access, Instant until) {
        return Identity.signedIn("user-ada", new Nickname("AdaLovelace"), access, until);
    }

    @Test
    void givenASignedInUser_theSessionIsTheirs_underTheirOwnNickname() {
        RecordingConnection connection = new RecordingConnection();

        chat.connect(connection, ada(RoomAccess.EVERY_ROOM, IN_TEN_MINUTES));

        Welcome welcome = connection.received(Welcome.class).get(0);
        assertThat(welcome.user()).isEqualTo(new Nickname("AdaLovelace"));
        assertThat(welcome.rooms()).containsExactly(RoomName.GENERAL);
    }

    @Test
    void givenARoomsClaim_onlyThoseRoomsAndPrefixesMayBeJoined_andGeneralOnlyIfListed() {
        RecordingConnection connection = new RecordingConnection();
        SessionToken token = chat.connect(connection, ada(RoomAccess.only(List.of("team-*", "ops")), IN_TEN_MINUTES));

        assertThat(connection.received(Welcome.class).get(0).rooms()).isEmpty();
        chat.handle(token, new JoinRoom(RoomName.of("team-red"), null));
        chat.handle(token, new JoinRoom(RoomName.of("ops"), null));
        assertThatThrownBy(() -> chat.handle(token, new JoinRoom(RoomName.of("opsx"), null)))
                .isInstanceOfSatisfying(
                        ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
        assertThatThrownBy(() -> chat.handle(token, new JoinRoom(RoomName.GENERAL, null)))
                .isInstanceOfSatisfying(
                        ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
    }

    @Test
    void givenASignInRunningOut_theClientIsWarnedAMinuteBefore_andUnrefreshedTheSessionEnds() {
        RecordingConnection bystander = new RecordingConnection();
        chat.connect(bystander);
        RecordingConnection connection = new RecordingConnection();
        chat.connect(connection, ada(RoomAccess.EVERY_ROOM, IN_TEN_MINUTES));

        scheduler.advance(Duration.ofMinutes(9));
        assertThat(connection.received(TokenExpiring.class)).containsExactly(new TokenExpiring(IN_TEN_MINUTES));
        assertThat(connection.closes()).isEmpty();

        scheduler.advance(Duration.ofMinutes(1));
        assertThat(connection.closes()).containsExactly(CloseReason.SIGNED_OUT);
        assertThat(bystander.received(UserDisconnected.class)).hasSize(1);
    }

    @Test
    void givenAFreshToken_theSessionCarriesOnUntilItsExpiry() {
        RecordingConnection connection = new RecordingConnection();
        SessionToken token = chat.connect(connection, ada(RoomAccess.EVERY_ROOM, IN_TEN_MINUTES));
        Instant later = IN_TEN_MINUTES.plus(Duration.ofMinutes(30));
        tokens.put("fresh", ada(RoomAccess.EVERY_ROOM, later));

        chat.handle(token, new RefreshSignIn("fresh", "r1"));
        scheduler.advance(Duration.ofMinutes(11));

        assertThat(connection.closes()).isEmpty();
        scheduler.advance(Duration.ofMinutes(30));
        assertThat(connection.closes()).containsExactly(CloseReason.SIGNED_OUT);
    }

    @Test
    void givenAnotherUsersToken_orABadOne_theRefreshIsRefused_andChangesNothing() {
        RecordingConnection connection = new RecordingConnection();
        SessionToken token = chat.connect(connection, ada(RoomAccess.EVERY_ROOM, IN_TEN_MINUTES));
        tokens.put(
                "grace",
                Identity.signedIn(
                        "user-grace",
                        new Nickname("GraceHopper"),
                        RoomAccess.EVERY_ROOM,
                        IN_TEN_MINUTES.plus(Duration.ofHours(1))));

        assertThatThrownBy(() -> chat.handle(token, new RefreshSignIn("grace", null)))
                .isInstanceOfSatisfying(
                        ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
        assertThatThrownBy(() -> chat.handle(token, new RefreshSignIn("forged", null)))
                .isInstanceOfSatisfying(
                        ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED));
        scheduler.advance(Duration.ofMinutes(10));
        assertThat(connection.closes()).containsExactly(CloseReason.SIGNED_OUT);
    }

    @Test
    void givenAStoreThatFailsTheRefresh_itIsRefused_andTheOldExpiryStillEndsTheSession() {
        FailingStores stores = new FailingStores();
        ChatService failing = new ChatService(
                new ChatService.Ports(
                                stores.sessions,
                                stores.presence,
                                stores.history,
                                stores.bus,
                                new SeedNicknameGenerator(new Random(17)),
                                new CountingEncoder(),
                                Clock.fixed(NOW, ZoneOffset.UTC),
                                scheduler)
                        .withSignIn(new TableVerifier()),
                EACH_AT_ONCE);
        RecordingConnection connection = new RecordingConnection();
        SessionToken token = failing.connect(connection, ada(RoomAccess.EVERY_ROOM, IN_TEN_MINUTES));
        tokens.put("fresh", ada(RoomAccess.EVERY_ROOM, IN_TEN_MINUTES.plus(Duration.ofHours(1))));

        stores.failCall(1, false); // the save of the extended sign-in
        assertThatThrownBy(() -> failing.handle(token, new RefreshSignIn("fresh", "r")))
                .isInstanceOfSatisfying(
                        ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));

        scheduler.advance(Duration.ofMinutes(10));
        assertThat(connection.closes()).containsExactly(CloseReason.SIGNED_OUT);
    }

    @Test
    void givenAnAnonymousSession_aRefreshIsRefused() {
        SessionToken token = chat.connect(new RecordingConnection());
        tokens.put("fresh", ada(RoomAccess.EVERY_ROOM, IN_TEN_MINUTES));

        assertThatThrownBy(() -> chat.handle(token, new RefreshSignIn("fresh", null)))
                .isInstanceOfSatisfying(
                        ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
    }

    @Test
    void givenAResumedSession_itKeepsItsIdentity_andItsSignInStillRunsOut() {
        RecordingConnection first = new RecordingConnection();
        SessionToken token = chat.connect(first, ada(RoomAccess.only(List.of("general")), IN_TEN_MINUTES));
        chat.disconnect(token, first);

        RecordingConnection again = new RecordingConnection();
        chat.resume(token, Cursor.EMPTY, again);

        assertThat(again.received(Welcome.class).get(0).user()).isEqualTo(new Nickname("AdaLovelace"));
        assertThatThrownBy(() -> chat.handle(token, new JoinRoom(RoomName.of("dev"), null)))
                .isInstanceOfSatisfying(
                        ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
        scheduler.advance(Duration.ofMinutes(10));
        assertThat(again.closes()).containsExactly(CloseReason.SIGNED_OUT);
    }

    @Test
    void givenOneUserInTwoTabs_theRoomListsThemOnce_andHearsTheirArrivalAndDepartureOnce() {
        RecordingConnection bystander = new RecordingConnection();
        chat.connect(bystander);
        RecordingConnection firstTab = new RecordingConnection();
        RecordingConnection secondTab = new RecordingConnection();
        SessionToken first = chat.connect(firstTab, ada(RoomAccess.EVERY_ROOM, IN_TEN_MINUTES));
        SessionToken second = chat.connect(secondTab, ada(RoomAccess.EVERY_ROOM, IN_TEN_MINUTES));

        assertThat(secondTab.received(Welcome.class).get(0).user()).isEqualTo(new Nickname("AdaLovelace"));
        assertThat(secondTab.received(ActiveUsers.class).get(0).users()).containsOnlyOnce(new Nickname("AdaLovelace"));
        assertThat(bystander.received(UserConnected.class))
                .extracting(UserConnected::user)
                .containsExactly(new Nickname("AdaLovelace"));

        chat.quit(first, firstTab);
        assertThat(bystander.received(UserDisconnected.class)).isEmpty();

        chat.quit(second, secondTab);
        assertThat(bystander.received(UserDisconnected.class))
                .extracting(UserDisconnected::user)
                .containsExactly(new Nickname("AdaLovelace"));
    }

    @Test
    void givenTwoUsersWithOneName_theSecondGetsANumber() {
        chat.connect(new RecordingConnection(), ada(RoomAccess.EVERY_ROOM, IN_TEN_MINUTES));
        RecordingConnection other = new RecordingConnection();

        chat.connect(
                other,
                Identity.signedIn("another-ada", new Nickname("AdaLovelace"), RoomAccess.EVERY_ROOM, IN_TEN_MINUTES));

        assertThat(other.received(Welcome.class).get(0).user().value()).matches("AdaLovelace[0-9]+");
    }

    private final class TableVerifier implements SignInVerifier {
        @Override
        public boolean required() {
            return true;
        }

        @Override
        public Identity verify(String token) {
            Identity identity = tokens.get(token);
            if (identity == null) {
                throw new ChatException(ErrorCode.UNAUTHORIZED, "not a token");
            }
            return identity;
        }
    }
}
