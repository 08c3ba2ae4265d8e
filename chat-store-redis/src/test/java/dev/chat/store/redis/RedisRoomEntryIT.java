package dev.chat.store.redis;

import static dev.chat.domain.contract.ContractSupport.uniqueRoom;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.domain.contract.RoomEntryContract;
import dev.chat.domain.contract.SettableClock;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SessionToken;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The entry in one script over the room's presence and history keys. */
class RedisRoomEntryIT extends RoomEntryContract {
    private static final Duration LEASE = Duration.ofSeconds(30);

    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-01T12:00:00Z"));
    private final RedisBuses buses = new RedisBuses();

    @Override
    protected Stores createStores(int historyCapacity) {
        RedisPresenceStore presence = node();
        RedisMessageHistory history = buses.history(historyCapacity);
        return new Stores(presence.entryWith(history, buses.codec), presence, history, buses.bus());
    }

    @AfterEach
    void closeBuses() {
        buses.close();
    }

    @Test
    void givenAnEntry_theNodeKeepsTheMemberAlive_whileAMemberOfANodeThatStoppedDropsOut() {
        RedisPresenceStore node = node();
        RedisPresenceStore stopped = node();
        RedisMessageHistory history = buses.history(10);
        RoomName room = uniqueRoom();
        Nickname ghost = new Nickname("GhostUser");
        Nickname joiner = new Nickname("JoinerUser");
        stopped.entryWith(history, buses.codec).enter(room, ghost, SessionToken.generate(), 10, 5);
        node.entryWith(history, buses.codec).enter(room, joiner, SessionToken.generate(), 10, 5);

        clock.advance(LEASE.dividedBy(2));
        node.renewLeases();
        clock.advance(LEASE.dividedBy(2).plusMillis(1));

        assertThat(node.members(room)).containsExactly(joiner);
        assertThat(node.entryWith(history, buses.codec)
                        .enter(room, new Nickname("LateUser"), SessionToken.generate(), 10, 5)
                        .first()
                        .members())
                .containsExactly(joiner, new Nickname("LateUser"));
    }

    private RedisPresenceStore node() {
        return new RedisPresenceStore(
                TestRedis.client(), TestRedis.async(), new RedisCalls(64), buses.keys, LEASE, clock);
    }
}
