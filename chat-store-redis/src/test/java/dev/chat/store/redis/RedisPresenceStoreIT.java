package dev.chat.store.redis;

import static dev.chat.domain.contract.ContractSupport.uniqueRoom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.domain.contract.PresenceStoreContract;
import dev.chat.domain.contract.SettableClock;
import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.port.out.PresenceStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
        dying.add(room, ghost);
        survivor.add(room, alive);

        clock.advance(LEASE.dividedBy(2));
        survivor.renewLeases(); // the dying node renews nothing from now on
        clock.advance(LEASE.dividedBy(2).plusMillis(1));

        assertThat(survivor.members(room)).containsExactly(alive);
        List<RedisPresenceStore.Expired> reported = new ArrayList<>(survivor.removeExpired());
        reported.addAll(another.removeExpired());
        assertThat(reported).containsExactly(new RedisPresenceStore.Expired(room, ghost));
    }

    @Test
    void givenRedisLostAMemberThisNodeKeeps_removingItStillSaysItWasPresent_soItsDepartureIsTold() {
        RedisPresenceStore node = node();
        RoomName room = uniqueRoom();
        Nickname member = new Nickname("ForgottenUser");
        node.add(room, member);
        TestRedis.client().del(keys.presence(room)); // as a flush or a restart without persistence would

        assertThat(node.remove(room, member)).isTrue();
        assertThat(node.remove(room, member)).isFalse(); // once
        node.renewLeases();
        assertThat(node.members(room)).isEmpty(); // and it is not written back
    }

    @Test
    void givenAnAddRedisRefused_theMemberIsNotRenewedIntoTheRoomLater() {
        RedisPresenceStore node = node();
        RoomName room = uniqueRoom();
        TestRedis.client().set(keys.presence(room), "not a sorted set"); // ZADD fails with WRONGTYPE

        assertThatThrownBy(() -> node.add(room, new Nickname("RefusedUser"))).isInstanceOf(ChatException.class);
        TestRedis.client().del(keys.presence(room));
        node.renewLeases();

        assertThat(node.members(room)).isEmpty();
    }

    private RedisPresenceStore node() {
        return new RedisPresenceStore(TestRedis.client(), new RedisCalls(64), keys, LEASE, clock);
    }
}
