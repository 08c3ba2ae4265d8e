package dev.chat.store.redis;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.model.SmallSets;
import dev.chat.domain.model.UserConnected;
import dev.chat.domain.port.out.PresenceStore;
import dev.chat.domain.port.out.RoomEntry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ZRangeParams;

/**
 * Room membership across all nodes. Each room is a sorted set of nicknames scored by when their lease runs out; the
 * node that added a member keeps renewing its lease ({@link #renewLeases()}), so the members of a node that died drop
 * out of {@link #members} once their leases lapse, and {@link #removeExpired()} on any node takes them out for good.
 * The sweep reads and removes a room's expired members in one script, so exactly one node reports each departure.
 *
 * <p>Beside each member, a set of the sessions that have it in the room (a signed-in user's tabs share one member):
 * the member arrives with the first and leaves with the last, each in one script. A session of a node that died stays
 * in its set until the member's lease lapses, so a member whose last live session left goes with the lease.
 */
final class RedisPresenceStore implements PresenceStore {
    /**
     * KEYS: presence, names. ARGV: now (ms), the room's holders-key prefix. Removes and returns the members whose lease
     * ended before now, with their names and session sets.
     */
    private static final String REMOVE_EXPIRED =
            "local gone = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1]) "
                    + "for _, name in ipairs(gone) do "
                    + "redis.call('ZREM', KEYS[1], name) redis.call('ZREM', KEYS[2], name) "
                    + "redis.call('DEL', ARGV[2] .. name) end "
                    + "return gone";
    /**
     * A member's add, for the scripts below: KEYS: presence, names, holders; locals {@code user}, {@code session},
     * {@code lease} (its end). Leaves in {@code added} 1 if the member was not listed before.
     */
    private static final String ADD_MEMBER = "redis.call('SADD', KEYS[3], session) "
            + "redis.call('ZADD', KEYS[2], 0, user) "
            + "local added = redis.call('ZADD', KEYS[1], lease, user) ";
    /** KEYS: presence, names, holders. ARGV: nickname, session, lease end. 1 if the member was not listed before. */
    private static final String ADD =
            "local user, session, lease = ARGV[1], ARGV[2], ARGV[3] " + ADD_MEMBER + "return added";
    /** KEYS: presence, holders, names. ARGV: nickname, session. 1 if that was the member's last session (gone). */
    private static final String REMOVE = "redis.call('SREM', KEYS[2], ARGV[2]) "
            + "if redis.call('SCARD', KEYS[2]) > 0 then return 0 end "
            + "redis.call('ZREM', KEYS[3], ARGV[1]) "
            + "return redis.call('ZREM', KEYS[1], ARGV[1])";

    /**
     * KEYS: presence, names. ARGV: from (a ZRANGEBYLEX bound), how many to read, now (ms). Reads that many names from
     * the index and keeps in {@code live} the ones whose lease has not run out: one round trip where reading the names
     * and then their leases took two.
     */
    private static final String READ_PAGE =
            "local names = redis.call('ZRANGEBYLEX', KEYS[2], ARGV[1], '+', 'LIMIT', 0, ARGV[2]) "
                    + "local live = {} "
                    + "if #names > 0 then "
                    + "local leases = redis.call('ZMSCORE', KEYS[1], unpack(names)) "
                    + "for i, name in ipairs(names) do "
                    + "if leases[i] and tonumber(leases[i]) >= tonumber(ARGV[3]) then live[#live + 1] = name end "
                    + "end end ";
    /** {@link #READ_PAGE}, returning {live names, how many were read, the last name read or false}. */
    private static final String PAGE = READ_PAGE + "return {live, #names, names[#names] or false}";
    /** {@link #PAGE} and the room's count, for a joiner's snapshot in one round trip. */
    private static final String PAGE_AND_COUNT =
            READ_PAGE + "return {live, #names, names[#names] or false, redis.call('ZCOUNT', KEYS[1], ARGV[3], '+inf')}";

    /**
     * A joiner's add (as {@link #ADD}) then {@link #PAGE_AND_COUNT}, in one round trip: KEYS: presence, names, holders.
     * ARGV: from, how many to read, now (ms), nickname, session, lease end. Leaves {@link #PAGE_AND_COUNT}'s reply and
     * {@code added} in {@code joined}.
     */
    private static final String ADD_THEN_PAGE_AND_COUNT = "local user, session, lease = ARGV[4], ARGV[5], ARGV[6] "
            + ADD_MEMBER
            + READ_PAGE
            + "local joined = {live, #names, names[#names] or false, redis.call('ZCOUNT', KEYS[1], ARGV[3], '+inf'), "
            + "added} ";
    /** {@link #ADD_THEN_PAGE_AND_COUNT}'s {@code joined}. */
    private static final String JOIN = ADD_THEN_PAGE_AND_COUNT + "return joined";
    /**
     * {@link #JOIN}, then the history's {@link RedisMessageHistory#READ_LATEST}, whose keys (seq, log, epoch) and
     * arguments (new epoch, limit) follow; they are in the room's hash slot too. Then, if the member arrived, publishes
     * the last two arguments' announcement on the room's channel (a channel is not a key: Redis Cluster allows it).
     * Returns {@code joined}, then epoch, last and payloads.
     */
    private static final String ENTER = ADD_THEN_PAGE_AND_COUNT
            + "local seqKey, logKey, epochKey, newEpoch, limit = KEYS[4], KEYS[5], KEYS[6], ARGV[7], ARGV[8] "
            + RedisMessageHistory.READ_LATEST
            + "if added == 1 then redis.call('PUBLISH', ARGV[9], ARGV[10]) end "
            + "joined[#joined + 1] = epoch joined[#joined + 1] = last joined[#joined + 1] = payloads "
            + "return joined";
    /** Where {@link #ENTER}'s reply holds the history's part. */
    private static final int ENTER_HISTORY_AT = 5;

    /** Names read from the index per round trip. */
    private static final int PAGE_READ = 1_000;

    private final UnifiedJedis redis;
    /** For a joiner's entry on connect, whose caller does not wait. */
    private final AsyncConnection async;

    private final RedisCalls calls;
    private final RedisKeys keys;
    private final Duration lease;
    private final Clock clock;
    /**
     * The members this node added and keeps alive, with its sessions that have them there (an immutable set, replaced
     * under the member's map entry's lock: one per connection, kept small).
     */
    private final Map<RoomName, Map<Nickname, Set<SessionToken>>> local = new ConcurrentHashMap<>();
    /**
     * A renewal writes back the members it read from {@link #local}; a removal in between would be undone (the member
     * listed again, with no session holding it, until its lease ran out). So removals share this lock and a renewal
     * takes it alone, from its read of {@code local} until Redis has its writes.
     */
    private final ReadWriteLock renewing = new ReentrantReadWriteLock();

    RedisPresenceStore(
            UnifiedJedis redis, AsyncConnection async, RedisCalls calls, RedisKeys keys, Duration lease, Clock clock) {
        this.redis = requireNonNull(redis, "redis");
        this.async = requireNonNull(async, "async");
        this.calls = requireNonNull(calls, "calls");
        this.keys = requireNonNull(keys, "keys");
        this.lease = requireNonNull(lease, "lease");
        this.clock = requireNonNull(clock, "clock");
    }

    /** A member that left without saying so: its node's lease ran out. */
    record Expired(RoomName room, Nickname user) {}

    @Override
    public boolean add(RoomName room, Nickname user, SessionToken session) {
        return calls.call(() -> {
            listRoomForTheSweep(room);
            Object added = redis.eval(
                    ADD,
                    List.of(keys.presence(room), keys.presenceNames(room), keys.presenceHolders(room, user)),
                    List.of(user.value(), session.value(), Long.toString((long) leaseEnd())));
            keepAlive(room, user, session);
            return Long.valueOf(1).equals(added);
        });
    }

    /** The add and the first page with the count in one script (more only when lapsed members fill the first read). */
    @Override
    public Joined addAndReadFirst(RoomName room, Nickname user, SessionToken session, int limit) {
        return calls.call(() -> {
            long now = clock.millis();
            Join join = join(room, user, session, limit, now, List.of(), List.of(), 0);
            listRoomForTheSweep(room);
            List<?> reply = (List<?>) redis.eval(JOIN, join.keys, join.arguments);
            keepAlive(room, user, session);
            return joined(room, limit, now, reply);
        });
    }

    /**
     * A joiner's whole entry in one round trip: {@link #addAndReadFirst} with the room's latest messages read from
     * {@code history}'s keys in the same script, and the arrival published as {@link RedisEventBus} would.
     */
    RoomEntry entryWith(RedisMessageHistory history, RoomEventCodec codec) {
        requireNonNull(history, "history");
        requireNonNull(codec, "codec");
        return new RoomEntry() {
            @Override
            public RoomEntry.Entered enter(
                    RoomName room, Nickname user, SessionToken session, int memberReads, int historyLimit) {
                return calls.call(() -> {
                    long now = clock.millis();
                    Join join = entry(room, user, session, memberReads, now, history, historyLimit, codec);
                    listRoomForTheSweep(room);
                    return entered(join, (List<?>) redis.eval(ENTER, join.keys, join.arguments), history);
                });
            }

            /** The same script over the connection whose callers do not wait. */
            @Override
            public CompletionStage<RoomEntry.Entered> enterAsync(
                    RoomName room, Nickname user, SessionToken session, int memberReads, int historyLimit) {
                return calls.callAsync(() -> {
                    long now = clock.millis();
                    Join join = entry(room, user, session, memberReads, now, history, historyLimit, codec);
                    CompletableFuture<?> listed = local.containsKey(room)
                            ? CompletableFuture.completedFuture(null)
                            : async.sadd(keys.presenceRooms(), room.value());
                    return async.eval(ENTER, join.keys, join.arguments)
                            .thenCombine(listed, (reply, ignored) -> entered(join, (List<?>) reply, history));
                });
            }
        };
    }

    /** A joiner's script call: its keys and arguments, and what its reply is read with. */
    private record Join(
            RoomName room,
            Nickname user,
            SessionToken session,
            int limit,
            long now,
            int historyLimit,
            List<String> keys,
            List<String> arguments) {}

    private Join entry(
            RoomName room,
            Nickname user,
            SessionToken session,
            int limit,
            long now,
            RedisMessageHistory history,
            int historyLimit,
            RoomEventCodec codec) {
        List<String> moreArguments = new ArrayList<>(RedisMessageHistory.latestArguments(historyLimit));
        moreArguments.add(keys.channel(room));
        moreArguments.add(codec.presence(new UserConnected(room, user)));
        return join(room, user, session, limit, now, history.latestKeys(room), moreArguments, historyLimit);
    }

    /** Once Redis has the add: the member is renewed from now on, and the joiner's view read from the reply. */
    private RoomEntry.Entered entered(Join join, List<?> reply, RedisMessageHistory history) {
        keepAlive(join.room, join.user, join.session);
        Joined joined = joined(join.room, join.limit, join.now, reply);
        return new RoomEntry.Entered(
                joined.arrived(), joined.first(), history.latestFrom(reply, ENTER_HISTORY_AT, join.historyLimit));
    }

    /** A script that starts with {@link #ADD_THEN_PAGE_AND_COUNT}, its own keys and arguments after the add's. */
    private Join join(
            RoomName room,
            Nickname user,
            SessionToken session,
            int limit,
            long now,
            List<String> moreKeys,
            List<String> moreArguments,
            int historyLimit) {
        List<String> scriptKeys = new ArrayList<>(3 + moreKeys.size());
        scriptKeys.addAll(List.of(keys.presence(room), keys.presenceNames(room), keys.presenceHolders(room, user)));
        scriptKeys.addAll(moreKeys);
        List<String> arguments = new ArrayList<>(6 + moreArguments.size());
        arguments.addAll(List.of(
                "-",
                Integer.toString(Math.min(limit, PAGE_READ)),
                Long.toString(now),
                user.value(),
                session.value(),
                Long.toString((long) leaseEnd())));
        arguments.addAll(moreArguments);
        return new Join(room, user, session, limit, now, historyLimit, scriptKeys, arguments);
    }

    /** The add's outcome and the first members, from a reply that starts with {@code joined}. */
    private Joined joined(RoomName room, int limit, long now, List<?> reply) {
        return new Joined(
                Long.valueOf(1).equals(reply.get(4)),
                firstMembers(room, limit, Math.min(limit, PAGE_READ), now, reply));
    }

    /** The sweep's list of rooms; a room this node already holds members in is on it (renewals keep it so). */
    private void listRoomForTheSweep(RoomName room) {
        if (!local.containsKey(room)) {
            redis.sadd(keys.presenceRooms(), room.value());
        }
    }

    /** Only once Redis has the add: a failed add must not be renewed into a member nobody holds. */
    private void keepAlive(RoomName room, Nickname user, SessionToken session) {
        local.computeIfAbsent(room, r -> new ConcurrentHashMap<>())
                .merge(user, Set.of(session), (held, added) -> SmallSets.with(held, session));
    }

    @Override
    public boolean remove(RoomName room, Nickname user, SessionToken session) {
        return calls.call(() -> {
            // First: if Redis fails now, the session no longer renews the member, and (if it was the last) its lease
            // lapses.
            boolean[] lastHere = {false};
            Object removed;
            renewing.readLock().lock();
            try {
                local.computeIfPresent(room, (r, members) -> {
                    members.computeIfPresent(user, (u, sessions) -> {
                        lastHere[0] = sessions.size() == 1 && sessions.contains(session);
                        return heldWithout(sessions, session);
                    });
                    return members.isEmpty() ? null : members;
                });
                removed = redis.eval(
                        REMOVE,
                        List.of(keys.presence(room), keys.presenceHolders(room, user), keys.presenceNames(room)),
                        List.of(user.value(), session.value()));
            } finally {
                renewing.readLock().unlock();
            }
            // A member this node kept alive was present, even if Redis lost it (a restart or flush) before the next
            // renewal wrote it back: its departure must still be told.
            return Long.valueOf(1).equals(removed) || lastHere[0] && !listed(room, user);
        });
    }

    private boolean listed(RoomName room, Nickname user) {
        return redis.zscore(keys.presence(room), user.value()) != null;
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

    /**
     * Members by name from the room's name index, leaving out those whose lease ran out (their node is gone and the
     * sweep has not taken them yet), so pages agree with {@link #members}. Usually one round trip.
     */
    @Override
    public List<Nickname> page(RoomName room, Nickname after, int limit) {
        return calls.call(() -> {
            List<Nickname> page = new ArrayList<>();
            readPages(room, after == null ? "-" : "(" + after.value(), limit, clock.millis(), page);
            return page;
        });
    }

    /** The first page and the count in one round trip (more only when lapsed members fill the first read). */
    @Override
    public FirstMembers firstMembers(RoomName room, int limit) {
        return calls.call(() -> {
            long now = clock.millis();
            int wanted = Math.min(limit, PAGE_READ);
            List<?> reply = (List<?>) redis.eval(
                    PAGE_AND_COUNT, roomKeys(room), List.of("-", Integer.toString(wanted), Long.toString(now)));
            return firstMembers(room, limit, wanted, now, reply);
        });
    }

    /** The first members from a reply of {@link #PAGE_AND_COUNT}'s shape, reading on if lapsed members filled it. */
    private FirstMembers firstMembers(RoomName room, int limit, int wanted, long now, List<?> reply) {
        List<Nickname> members = new ArrayList<>();
        if (take(reply, wanted, members) && members.size() < limit) {
            readPages(room, "(" + reply.get(2), limit, now, members);
        }
        return new FirstMembers(members, Math.toIntExact((Long) reply.get(3)));
    }

    /** Reads pages from {@code from} into {@code page} until it holds {@code limit} members or the index ends. */
    private void readPages(RoomName room, String from, int limit, long now, List<Nickname> page) {
        while (page.size() < limit) {
            int wanted = Math.min(limit - page.size(), PAGE_READ);
            List<?> reply = (List<?>)
                    redis.eval(PAGE, roomKeys(room), List.of(from, Integer.toString(wanted), Long.toString(now)));
            if (!take(reply, wanted, page)) {
                return;
            }
            from = "(" + reply.get(2);
        }
    }

    /** Adds a page script's live names to {@code page}; true if the index may hold more after them. */
    private static boolean take(List<?> reply, int wanted, List<Nickname> page) {
        for (Object name : (List<?>) reply.get(0)) {
            page.add(new Nickname((String) name));
        }
        return (Long) reply.get(1) == wanted;
    }

    private List<String> roomKeys(RoomName room) {
        return List.of(keys.presence(room), keys.presenceNames(room));
    }

    /** Members whose lease has not run out: one O(log n) count, no member read. */
    @Override
    public int count(RoomName room) {
        return calls.call(() -> (int) redis.zcount(keys.presence(room), clock.millis(), Double.POSITIVE_INFINITY));
    }

    /**
     * Stops renewing what a session kept alive, without removing it: the node that took the session over renews it now.
     * Members this node still has other sessions for stay renewed.
     */
    void forget(SessionToken session) {
        for (Map<Nickname, Set<SessionToken>> members : local.values()) {
            for (Nickname user : members.keySet()) {
                members.computeIfPresent(user, (u, sessions) -> heldWithout(sessions, session));
            }
        }
    }

    /** The member's sessions here without this one; null (the member dropped) when none is left. */
    private static Set<SessionToken> heldWithout(Set<SessionToken> sessions, SessionToken session) {
        Set<SessionToken> remaining = SmallSets.without(sessions, session);
        return remaining.isEmpty() ? null : remaining;
    }

    /**
     * Pushes back the lease of every member this node added, one {@code ZADD} per room, pipelined; re-adds what a
     * Redis that lost its data forgot (the member, its name, the room on the sweep's list). Call well within the lease
     * period.
     */
    void renewLeases() {
        double until = leaseEnd();
        renewing.writeLock().lock();
        try (AbstractPipeline pipeline = redis.pipelined()) {
            local.forEach((room, members) -> {
                Map<String, Double> leases = new HashMap<>();
                members.forEach((user, sessions) -> {
                    if (!sessions.isEmpty()) {
                        leases.put(user.value(), until);
                    }
                });
                if (!leases.isEmpty()) {
                    pipeline.sadd(keys.presenceRooms(), room.value()); // what a Redis that lost its data forgot
                    pipeline.zadd(keys.presence(room), leases);
                    Map<String, Double> names = new HashMap<>();
                    leases.keySet().forEach(name -> names.put(name, 0.0));
                    pipeline.zadd(keys.presenceNames(room), names); // what a Redis that lost its data forgot
                }
            });
            pipeline.sync();
        } finally {
            renewing.writeLock().unlock();
        }
    }

    /** Takes out members whose lease ran out (their node is gone); returns the ones this call removed. */
    List<Expired> removeExpired() {
        List<Expired> removed = new ArrayList<>();
        String now = Long.toString(clock.millis());
        for (String roomName : redis.smembers(keys.presenceRooms())) {
            RoomName room = RoomName.of(roomName);
            // One script, so a member whose lease another node renews at this moment is not taken out.
            List<?> gone = (List<?>) redis.eval(
                    REMOVE_EXPIRED,
                    List.of(keys.presence(room), keys.presenceNames(room)),
                    List.of(now, keys.presenceHoldersPrefix(room)));
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
