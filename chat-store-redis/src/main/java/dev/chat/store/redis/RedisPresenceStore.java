package dev.chat.store.redis;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.port.out.PresenceStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ZRangeParams;

/**
 * Room membership across all nodes. Each room is a sorted set of nicknames scored by when their lease runs out; the
 * node that added a member keeps renewing its lease ({@link #renewLeases()}), so the members of a node that died drop
 * out of {@link #members} once their leases lapse, and {@link #removeExpired()} on any node takes them out for good.
 * The sweep reads and removes a room's expired members in one script, so exactly one node reports each departure.
 */
final class RedisPresenceStore implements PresenceStore {
    /** KEYS: presence. ARGV: now (ms). Removes and returns the members whose lease ended before now. */
    private static final String REMOVE_EXPIRED =
            "local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1]) "
                    + "for _, name in ipairs(gone) do redis.call('ZREM', KEYS[1], name) end "
                    + "return gone";

    private final UnifiedJedis redis;
    private final RedisCalls calls;
    private final RedisKeys keys;
    private final Duration lease;
    private final Clock clock;
    /** The members this node added and keeps alive. */
    private final Map<RoomName, Set<Nickname>> local = new ConcurrentHashMap<>();

    RedisPresenceStore(UnifiedJedis redis, RedisCalls calls, RedisKeys keys, Duration lease, Clock clock) {
        this.redis = requireNonNull(redis, "redis");
        this.calls = requireNonNull(calls, "calls");
        this.keys = requireNonNull(keys, "keys");
        this.lease = requireNonNull(lease, "lease");
        this.clock = requireNonNull(clock, "clock");
    }

    /** A member that left without saying so: its node's lease ran out. */
    record Expired(RoomName room, Nickname user) {}

    @Override
    public boolean add(RoomName room, Nickname user) {
        return calls.call(() -> {
            redis.sadd(keys.presenceRooms(), room.value());
            boolean added = redis.zadd(keys.presence(room), leaseEnd(), user.value()) == 1;
            // Only once Redis has it: a failed add must not be renewed into a member nobody holds.
            local.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(user);
            return added;
        });
    }

    @Override
    public boolean remove(RoomName room, Nickname user) {
        return calls.call(() -> {
            // First: if Redis fails now, the member is no longer renewed, and its lease lapses.
            boolean[] heldHere = {false};
            local.computeIfPresent(room, (r, users) -> {
                heldHere[0] = users.remove(user);
                return users.isEmpty() ? null : users;
            });
            boolean removed = redis.zrem(keys.presence(room), user.value()) == 1;
            // A member this node kept alive was present, even if Redis lost it (a restart or flush) before the next
            // renewal wrote it back: its departure must still be told.
            return removed || heldHere[0];
        });
    }

    @Override
    public List<Nickname> members(RoomName room) {
        return calls.call(() -> {
            List<Nickname> members = new ArrayList<>();
            ZRangeParams stillLeased = ZRangeParams.zrangeByScoreParams(clock.millis(), Double.POSITIVE_INFINITY);
            for (String name : redis.zrange(keys.presence(room), stillLeased)) {
                members.add(new Nickname(name));
            }
            members.sort(null);
            return members;
        });
    }

    /** Stops renewing a member's leases without removing it: the node that took its session over renews them now. */
    void forget(Nickname user) {
        local.values().forEach(users -> users.remove(user));
    }

    /**
     * Pushes back the lease of every member this node added, one {@code ZADD} per room, pipelined; re-adds what a
     * Redis that lost its data forgot. Call well within the lease period.
     */
    void renewLeases() {
        double until = leaseEnd();
        try (AbstractPipeline pipeline = redis.pipelined()) {
            local.forEach((room, users) -> {
                Map<String, Double> leases = new HashMap<>();
                users.forEach(user -> leases.put(user.value(), until));
                if (!leases.isEmpty()) {
                    pipeline.zadd(keys.presence(room), leases);
                }
            });
            pipeline.sync();
        }
    }

    /** Takes out members whose lease ran out (their node is gone); returns the ones this call removed. */
    List<Expired> removeExpired() {
        List<Expired> removed = new ArrayList<>();
        String now = Long.toString(clock.millis());
        for (String roomName : redis.smembers(keys.presenceRooms())) {
            RoomName room = RoomName.of(roomName);
            // One script, so a member whose lease another node renews at this moment is not taken out.
            List<?> gone = (List<?>) redis.eval(REMOVE_EXPIRED, List.of(keys.presence(room)), List.of(now));
            for (Object name : gone) {
                removed.add(new Expired(room, new Nickname((String) name)));
            }
        }
        return removed;
    }

    private double leaseEnd() {
        return clock.millis() + lease.toMillis();
    }
}
