package dev.chat.store.redis;

import static dev.chat.domain.contract.ContractSupport.uniqueRoom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.domain.contract.PresenceStoreContract;
import dev.chat.domain.contract.SettableClock;
import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.PresenceStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class RedisPresenceStoreIT extends PresenceStoreContract {
    private static final Duration LEASE = Duration.ofSeconds(30);

    private final SettableClock clock = new SettableClock(Instant.parse("2026-11-25T12:00:00Z"));
    private final RedisKeys keys = new RedisKeys("test-presence-" + UUID.randomUUID());

    @Override
    protected PresenceStore createPresenceStore() {
        return node();
    }

    @Test
    void givenNodeThatStopsRenewing_itsMembersDropOutAfterTheLease_andExactlyOneNodeReportsEachDeparture() {
        RedisPresenceStore dying = node();
        RedisPresenceStore survivor = node();
        RedisPresenceStore another = node();
        RoomName room = uniqueRoom();
        Nickname ghost = new Nickname("GhostUser");
        Nickname alive = new Nickname("AliveUser");
        dying.add(room, ghost, SessionToken.generate());
        survivor.add(room, alive, SessionToken.generate());

        clock.advance(LEASE.dividedBy(2));
        survivor.renewLeases(); // the dying node renews nothing from now on
        clock.advance(LEASE.dividedBy(2).plusMillis(1));

        assertThat(survivor.members(room)).containsExactly(alive);
        List<RedisPresenceStore.Expired> reported = new ArrayList<>(survivor.removeExpired());
        reported.addAll(another.removeExpired());
        assertThat(reported).containsExactly(new RedisPresenceStore.Expired(room, ghost));
    }

    @Test
    void givenMembersWhoseLeaseLapsedAmongTheFirstNames_aPageSkipsThem_andStillFillsUpInNameOrder() {
        RedisPresenceStore dying = node();
        RedisPresenceStore survivor = node();
        RoomName room = uniqueRoom();
        for (String name : List.of("Aa1", "Aa2")) {
            dying.add(room, new Nickname(name), SessionToken.generate());
        }
        for (String name : List.of("Bb1", "Bb2", "Bb3", "Bb4")) {
            survivor.add(room, new Nickname(name), SessionToken.generate());
        }
        clock.advance(LEASE.plusMillis(1));
        survivor.renewLeases(); // the dying node's lapse, the sweep has not run

        assertThat(survivor.page(room, null, 3))
                .containsExactly(new Nickname("Bb1"), new Nickname("Bb2"), new Nickname("Bb3"));
        assertThat(survivor.page(room, new Nickname("Bb3"), 3)).containsExactly(new Nickname("Bb4"));
        assertThat(survivor.count(room)).isEqualTo(4);
        assertThat(survivor.firstMembers(room, 3))
                .isEqualTo(new PresenceStore.FirstMembers(
                        List.of(new Nickname("Bb1"), new Nickname("Bb2"), new Nickname("Bb3")), 4));
    }

    @Test
    void givenRedisLostTheListOfRooms_theNextRenewalListsTheRoomsThisNodeHolds_soTheSweepStillFindsTheDead() {
        RedisPresenceStore dying = node();
        RedisPresenceStore survivor = node();
        RoomName room = uniqueRoom();
        Nickname ghost = new Nickname("GhostUser");
        survivor.add(room, new Nickname("AliveUser"), SessionToken.generate());
        dying.add(room, ghost, SessionToken.generate());
        TestRedis.client().del(keys.presenceRooms()); // as a flush or a restart without persistence would
        survivor.add(room, new Nickname("LaterUser"), SessionToken.generate()); // it holds the room: no re-listing

        clock.advance(LEASE.plusMillis(1));
        survivor.renewLeases();

        assertThat(survivor.removeExpired()).containsExactly(new RedisPresenceStore.Expired(room, ghost));
    }

    @Test
    void givenRedisLostAMemberThisNodeKeeps_removingItStillSaysItWasPresent_soItsDepartureIsTold() {
        RedisPresenceStore node = node();
        RoomName room = uniqueRoom();
        Nickname member = new Nickname("ForgottenUser");
        SessionToken session = SessionToken.generate();
        node.add(room, member, session);
        TestRedis.client().del(keys.presence(room)); // as a flush or a restart without persistence would

        assertThat(node.remove(room, member, session)).isTrue();
        assertThat(node.remove(room, member, session)).isFalse(); // once
        node.renewLeases();
        assertThat(node.members(room)).isEmpty(); // and it is not written back
    }

    @Test
    void givenMembersLeavingWhileTheirLeasesAreRenewed_noneIsRenewedBackIntoTheRoom() throws Exception {
        RedisPresenceStore node = node();
        RoomName room = uniqueRoom();
        List<Nickname> members = new ArrayList<>();
        List<SessionToken> sessions = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            members.add(new Nickname("Member" + i));
            sessions.add(SessionToken.generate());
            node.add(room, members.get(i), sessions.get(i));
        }
        AtomicBoolean leaving = new AtomicBoolean(true);
        Thread renewals = new Thread(() -> {
            while (leaving.get()) {
                node.renewLeases(); // as its timer does, here without a pause
            }
        });
        renewals.start();

        for (int i = 0; i < members.size(); i++) {
            assertThat(node.remove(room, members.get(i), sessions.get(i))).isTrue();
        }
        leaving.set(false);
        renewals.join(10_000);

        assertThat(node.count(room)).isZero();
        assertThat(node.page(room, null, 10)).isEmpty();
    }

    @Test
    void givenAnAddRedisRefused_theMemberIsNotRenewedIntoTheRoomLater() {
        RedisPresenceStore node = node();
        RoomName room = uniqueRoom();
        TestRedis.client().set(keys.presence(room), "not a sorted set"); // ZADD fails with WRONGTYPE

        assertThatThrownBy(() -> node.add(room, new Nickname("RefusedUser"), SessionToken.generate()))
                .isInstanceOf(ChatException.class);
        TestRedis.client().del(keys.presence(room));
        node.renewLeases();

        assertThat(node.members(room)).isEmpty();
    }

    @Test
    void givenTwoSessionsOfAMemberOnTwoNodes_itStaysListedAndRenewedUntilTheLastLeaves() {
        RedisPresenceStore nodeA = node();
        RedisPresenceStore nodeB = node();
        RoomName room = uniqueRoom();
        Nickname ada = new Nickname("AdaTwoTabs");
        SessionToken tabOnA = SessionToken.generate();
        SessionToken tabOnB = SessionToken.generate();

        assertThat(nodeA.add(room, ada, tabOnA)).isTrue();
        assertThat(nodeB.add(room, ada, tabOnB)).isFalse();
        assertThat(nodeA.remove(room, ada, tabOnA)).isFalse();

        clock.advance(LEASE.dividedBy(2));
        nodeA.renewLeases();
        nodeB.renewLeases(); // B still has a session there: it keeps the member alive
        clock.advance(LEASE.dividedBy(2).plusMillis(1));
        assertThat(nodeA.members(room)).containsExactly(ada);
        assertThat(nodeA.removeExpired()).isEmpty();

        assertThat(nodeB.remove(room, ada, tabOnB)).isTrue();
        assertThat(nodeA.members(room)).isEmpty();
        assertThat(TestRedis.client().exists(keys.presenceHolders(room, ada))).isFalse();
    }

    @Test
    void givenAMemberWhoseSessionsNodeDied_theSweepTakesItsSessionsOutWithIt() {
        RedisPresenceStore dying = node();
        RedisPresenceStore survivor = node();
        RoomName room = uniqueRoom();
        Nickname ghost = new Nickname("GhostWithTabs");
        dying.add(room, ghost, SessionToken.generate());
        dying.add(room, ghost, SessionToken.generate());

        clock.advance(LEASE.plusMillis(1));

        assertThat(survivor.removeExpired()).containsExactly(new RedisPresenceStore.Expired(room, ghost));
        assertThat(TestRedis.client().exists(keys.presenceHolders(room, ghost))).isFalse();
    }

    private RedisPresenceStore node() {
        return new RedisPresenceStore(TestRedis.client(), TestRedis.async(), new RedisCalls(64), keys, LEASE, clock);
    }
}
