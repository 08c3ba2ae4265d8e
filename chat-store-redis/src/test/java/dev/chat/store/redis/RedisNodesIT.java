package dev.chat.store.redis;

import static dev.chat.domain.contract.ContractSupport.uniqueNickname;
import static dev.chat.domain.contract.ContractSupport.uniqueRoom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SessionRecord;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.SessionStore;
import dev.chat.relay.SessionRelay;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** Several nodes' stores on one Redis: who owns which session, takeovers, and requests relayed to the owner. */
class RedisNodesIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration LEASE = Duration.ofMillis(900);

    private final String namespace = "test-nodes-" + UUID.randomUUID();
    private final List<RedisStores> nodes = new ArrayList<>();
    private final RedisClient admin = TestRedis.client();

    @AfterEach
    void closeNodes() {
        nodes.forEach(RedisStores::close);
        admin.close();
    }

    @Test
    void givenSessionClaimedOnAnotherNode_theOwnerIsTold_andCanNoLongerChangeOrReleaseIt() {
        RedisStores nodeA = startedNode();
        RedisStores nodeB = startedNode();
        List<SessionToken> lostByA = takeoversOf(nodeA);
        SessionRecord session = newSession();
        nodeA.sessions().create(session);

        assertThat(nodeB.sessions().claim(session.token())).contains(session);

        await().atMost(TIMEOUT).until(() -> lostByA.contains(session.token()));
        nodeA.sessions().update(session.withRooms(Set.of(RoomName.GENERAL, uniqueRoom())));
        assertThat(nodeA.sessions().release(session.token())).isEqualTo(SessionStore.Released.OWNED_ELSEWHERE);
        assertThat(nodeA.sessions().find(session.token())).contains(session);
        assertThat(nodeB.sessions().release(session.token())).isEqualTo(SessionStore.Released.RELEASED);
        assertThat(nodeB.sessions().isNicknameTaken(session.nickname())).isFalse();
    }

    @Test
    void givenTheTakeoverNoticeIsLost_theOldOwnerLetsGoWhenItNextRenews() {
        RedisStores nodeA = startedNode();
        List<SessionToken> lostByA = takeoversOf(nodeA);
        SessionRecord session = newSession();
        nodeA.sessions().create(session);

        // a node that vanished right after claiming, before its notice went out
        admin.hset(new RedisKeys(namespace).session(session.token()), "owner", "vanished.1");

        await().atMost(TIMEOUT).until(() -> lostByA.contains(session.token()));
        assertThat(nodeA.sessions().release(session.token())).isEqualTo(SessionStore.Released.OWNED_ELSEWHERE);
    }

    @Test
    void givenTheOwnerExpiresASessionItLostBeforeHearingSo_theNewOwnersNicknameStaysTaken() {
        RedisStores nodeA = node(Duration.ofSeconds(30)); // not started: no notice or renewal tells it
        SessionRecord session = newSession();
        nodeA.sessions().create(session);
        admin.hset(new RedisKeys(namespace).session(session.token()), "owner", "elsewhere.1");

        assertThat(nodeA.sessions().release(session.token())).isEqualTo(SessionStore.Released.OWNED_ELSEWHERE);

        assertThat(nodeA.sessions().isNicknameTaken(session.nickname())).isTrue();
        assertThat(nodeA.sessions().find(session.token())).contains(session);
    }

    @Test
    void givenAStaleTakeoverNotice_theNodeThatClaimedTheSessionSinceKeepsIt() {
        RedisStores nodeA = startedNode();
        RedisStores nodeB = startedNode();
        List<SessionToken> lostByA = takeoversOf(nodeA);
        SessionRecord session = newSession();
        nodeA.sessions().create(session);
        nodeB.sessions().claim(session.token());
        await().atMost(TIMEOUT).until(() -> lostByA.contains(session.token()));

        nodeA.sessions().claim(session.token()); // the client came back to A
        ((RedisSessionStore) nodeA.sessions()).takenOver(session.token(), "stale.1");

        assertThat(lostByA).hasSize(1);
        assertThat(nodeA.sessions().release(session.token())).isEqualTo(SessionStore.Released.RELEASED);
    }

    @Test
    void givenRedisLostASession_itsOwnerRestoresIt() {
        RedisStores nodeA = startedNode();
        SessionRecord session = newSession();
        nodeA.sessions().create(session);
        RedisKeys keys = new RedisKeys(namespace);

        admin.del(keys.session(session.token()), keys.nickname(session.nickname()));

        await().atMost(TIMEOUT)
                .until(() -> nodeA.sessions().find(session.token()).isPresent());
        assertThat(nodeA.sessions().find(session.token())).contains(session);
        assertThat(nodeA.sessions().isNicknameTaken(session.nickname())).isTrue();
        assertThat(nodeA.sessions().release(session.token())).isEqualTo(SessionStore.Released.RELEASED);
    }

    @Test
    void givenItsOwnerStopsRenewing_aSessionExpiresAfterItsTtl_andItsNicknameIsFree() {
        RedisStores crashed = node(Duration.ofSeconds(1)); // never started: nothing renews its sessions
        RedisStores survivor = startedNode();
        SessionRecord session = newSession();
        crashed.sessions().create(session);

        assertThat(survivor.sessions().find(session.token())).contains(session);
        await().atMost(TIMEOUT)
                .until(() -> survivor.sessions().find(session.token()).isEmpty());
        assertThat(survivor.sessions().isNicknameTaken(session.nickname())).isFalse();
    }

    @Test
    void givenSessionTakenOver_theOldNodeStopsKeepingItsPresence() {
        RedisStores nodeA = startedNode();
        RedisStores nodeB = startedNode();
        List<SessionToken> lostByA = takeoversOf(nodeA);
        SessionRecord session = newSession();
        RoomName room = uniqueRoom();
        nodeA.sessions().create(session);
        nodeA.presence().add(room, session.nickname(), session.token());

        nodeB.sessions().claim(session.token());
        await().atMost(TIMEOUT).until(() -> lostByA.contains(session.token()));
        nodeB.presence().add(room, session.nickname(), session.token());
        nodeB.presence().remove(room, session.nickname(), session.token()); // the user left on B
        ((RedisPresenceStore) nodeA.presence()).renewLeases();

        assertThat(nodeB.presence().members(room)).doesNotContain(session.nickname());
    }

    @Test
    void givenRequestAboutASessionOwnedElsewhere_theOwnerAnswersIt() throws Exception {
        RedisStores nodeA = startedNode();
        RedisStores nodeB = startedNode();
        serveEcho(nodeA, "A");
        serveEcho(nodeB, "B");
        SessionRecord ownedByA = newSession();
        SessionRecord ownedByB = newSession();
        nodeA.sessions().create(ownedByA);
        nodeB.sessions().create(ownedByB);

        assertThat(ask(nodeB, ownedByA.token(), "hi")).isEqualTo("A:hi");
        assertThat(ask(nodeB, ownedByB.token(), "hi")).isEqualTo("B:hi");
        assertThat(ask(nodeB, SessionToken.generate(), "hi")).isEqualTo("B:hi");
    }

    @Test
    void givenTheOwnerIsGone_theRequestIsHandledByTheNodeThatGotIt() throws Exception {
        RedisStores doomed = startedNode();
        RedisStores survivor = startedNode();
        serveEcho(doomed, "doomed");
        serveEcho(survivor, "survivor");
        SessionRecord session = newSession();
        doomed.sessions().create(session);

        doomed.close(); // its channel goes with its subscriber connection

        assertThat(ask(survivor, session.token(), "hi")).isEqualTo("survivor:hi");
    }

    @Test
    void givenTheOwnerRefusesOrDoesNotAnswer_theAskerGetsTheRefusalOrUnavailable() {
        RedisStores nodeA = startedNode();
        RedisStores nodeB = startedNode();
        nodeA.relay().serve("refuse", (session, request) -> {
            throw new ChatException(ErrorCode.NOT_IN_ROOM, "you are not in room x");
        });
        nodeA.relay().serve("silent", (session, request) -> new CompletableFuture<>());
        SessionRecord session = newSession();
        nodeA.sessions().create(session);
        nodeB.relay().serve("refuse", (s, r) -> CompletableFuture.completedFuture("wrong node"));
        nodeB.relay().serve("silent", (s, r) -> CompletableFuture.completedFuture("wrong node"));

        assertThatThrownBy(() -> nodeB.relay()
                        .ask(session.token(), "refuse", "", TIMEOUT)
                        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(
                        ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_IN_ROOM));
        assertThatThrownBy(() -> nodeB.relay()
                        .ask(session.token(), "silent", "", Duration.ofMillis(300))
                        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(
                        ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
    }

    /** The sessions other nodes take over from {@code node}, as its listener hears of them. */
    private static List<SessionToken> takeoversOf(RedisStores node) {
        List<SessionToken> lost = new CopyOnWriteArrayList<>();
        node.sessions().onTakenOver(lost::add);
        return lost;
    }

    private static void serveEcho(RedisStores node, String name) {
        node.relay().serve("echo", (session, request) -> CompletableFuture.completedFuture(name + ":" + request));
    }

    @Test
    void givenManySessionsCreatedAtOnce_theNodesCommandsShareItsConnection_andItsMetersCountThem() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RedisStores node = RedisStores.at(
                TestRedis.uri(),
                new RedisStores.Settings(namespace, 100, Duration.ofSeconds(30), LEASE, Duration.ofSeconds(5)),
                Clock.systemUTC(),
                registry);
        nodes.add(node);
        node.start();
        List<SessionRecord> sessions = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sessions.add(newSession());
        }
        double before =
                registry.get("chat_redis_shared_commands").functionCounter().count();

        List<CompletableFuture<Boolean>> creates = sessions.stream()
                .map(session ->
                        CompletableFuture.supplyAsync(() -> node.sessions().create(session)))
                .toList();
        for (CompletableFuture<Boolean> create : creates) {
            assertThat(create.get(10, TimeUnit.SECONDS)).isTrue();
        }

        for (SessionRecord session : sessions) {
            assertThat(node.sessions().find(session.token())).contains(session);
        }
        // each create is two commands (the nickname's claim, the session's write), each find one
        double commands =
                registry.get("chat_redis_shared_commands").functionCounter().count() - before;
        assertThat(commands).isGreaterThanOrEqualTo(3 * 200);
        assertThat(registry.get("chat_redis_shared_writes").functionCounter().count())
                .isPositive()
                .isLessThanOrEqualTo(registry.get("chat_redis_shared_commands")
                        .functionCounter()
                        .count());
    }

    private static String ask(RedisStores node, SessionToken session, String request) throws Exception {
        SessionRelay relay = node.relay();
        return relay.ask(session, "echo", request, TIMEOUT).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private RedisStores startedNode() {
        RedisStores node = node(Duration.ofSeconds(30));
        node.start();
        return node;
    }

    private RedisStores node(Duration sessionTtl) {
        RedisStores node = RedisStores.at(
                TestRedis.uri(),
                new RedisStores.Settings(namespace, 100, sessionTtl, LEASE, Duration.ofSeconds(5)),
                Clock.systemUTC());
        nodes.add(node);
        return node;
    }

    private static SessionRecord newSession() {
        Nickname nickname = uniqueNickname();
        return new SessionRecord(SessionToken.generate(), nickname, Set.of(RoomName.GENERAL));
    }
}
