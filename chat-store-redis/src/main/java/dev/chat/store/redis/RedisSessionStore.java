package dev.chat.store.redis;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SessionRecord;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.SessionStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * Sessions in Redis, so any node can serve a session's next request. A nickname is claimed with {@code SET NX}.
 *
 * <p>Ownership: each session's hash names its owner as a claim ({@code NODE.N}), made by the node that created or last
 * claimed it. Only that claim's holder updates or releases the session, so a node that lost a session cannot undo the
 * new owner's work. Claiming tells the previous holder on its node channel ({@link NodeMessage.Taken}); the holder
 * also finds out when it renews ({@link #renewHeld()}), in case that notice was lost.
 *
 * <p>Expiry: the owner renews its sessions' keys every few seconds, so they live {@code ttl} past its last renewal; a
 * crashed node's sessions can be resumed elsewhere within that time, then vanish with their nicknames. Every call here
 * touches one key, or one key per command, so the store works on Redis Cluster unchanged.
 */
final class RedisSessionStore implements SessionStore {
    private static final Logger log = LoggerFactory.getLogger(RedisSessionStore.class);
    private static final String NICKNAME = "nickname";
    private static final String ROOMS = "rooms";
    private static final String OWNER = "owner";
    private static final String IDENTITY = "identity";
    /** Sessions renewed per pipeline round trip. */
    private static final int RENEWAL_BATCH = 500;

    /**
     * KEYS: session. ARGV: new claim, ttl ms. Returns {previous claim, nickname, rooms, identity}, or nil if the
     * session is gone (identity is false for a session written before identities were kept: anonymous).
     */
    private static final String CLAIM = "local previous = redis.call('HGET', KEYS[1], 'owner') "
            + "if not previous then return nil end "
            + "redis.call('HSET', KEYS[1], 'owner', ARGV[1]) "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[2]) "
            + "return {previous, redis.call('HGET', KEYS[1], 'nickname'), redis.call('HGET', KEYS[1], 'rooms'), "
            + "redis.call('HGET', KEYS[1], 'identity')}";
    /** KEYS: session. ARGV: nickname, rooms, claim, ttl ms, identity. Writes the session with its expiry, atomically. */
    private static final String WRITE = "redis.call('HSET', KEYS[1], 'nickname', ARGV[1], 'rooms', ARGV[2], "
            + "'owner', ARGV[3], 'identity', ARGV[5]) "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[4]) "
            + "return 1";
    /** The owner of a session its node handed off (draining): nobody, so whoever the client reaches takes it. */
    private static final String NOBODY = "-";
    /** KEYS: session. ARGV: claim. Hands the session off if the claim holds it; returns 1 if it did. */
    private static final String DISOWN_IF_OWNER =
            "if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end "
                    + "redis.call('HSET', KEYS[1], 'owner', '" + NOBODY + "') "
                    + "return 1";
    /** KEYS: session. ARGV: claim, rooms, ttl ms, identity. */
    private static final String UPDATE_IF_OWNER =
            "if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end "
                    + "redis.call('HSET', KEYS[1], 'rooms', ARGV[2], 'identity', ARGV[4]) "
                    + "redis.call('PEXPIRE', KEYS[1], ARGV[3]) "
                    + "return 1";
    /** KEYS: session. ARGV: claim. 1: released; 0: another claim holds it; -1: the session is gone. */
    private static final String RELEASE_IF_OWNER = "local owner = redis.call('HGET', KEYS[1], 'owner') "
            + "if not owner then return -1 end "
            + "if owner ~= ARGV[1] then return 0 end "
            + "redis.call('DEL', KEYS[1]) "
            + "return 1";
    /**
     * KEYS: nickname. ARGV: holder, ttl ms. Takes a free nickname for the holder (a session's token, or a signed-in
     * user's {@code u:ID}, whose sessions share it); 1 if the holder has it now, 0 if someone else holds it.
     */
    private static final String TAKE_NICKNAME = "local holder = redis.call('GET', KEYS[1]) "
            + "if not holder then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end "
            + "if holder == ARGV[1] and string.sub(holder, 1, 2) == 'u:' then "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end "
            + "return 0";
    /**
     * KEYS: nickname. ARGV: token. Deletes a nickname's claim only if it still belongs to this session (a signed-in
     * user's lapses once no session of theirs renews it).
     */
    private static final String RELEASE_NICKNAME =
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
    /** KEYS: session. ARGV: claim, ttl ms. 1: renewed; 0: the session is gone; -1: another claim holds it. */
    private static final String RENEW_IF_OWNER = "local owner = redis.call('HGET', KEYS[1], 'owner') "
            + "if not owner then return 0 end "
            + "if owner ~= ARGV[1] then return -1 end "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[2]) "
            + "return 1";

    private final UnifiedJedis redis;
    /** For a connect's calls, whose callers do not wait. */
    private final AsyncConnection async;

    private final RedisCalls calls;
    private final RedisKeys keys;
    private final Duration ttl;
    private final String nodeId;
    private final NodeMessage.Sender notices;
    private final AtomicLong claims = new AtomicLong();
    /** The sessions this node owns, with the claim it holds each by. */
    private final Map<SessionToken, Held> held = new ConcurrentHashMap<>();

    private volatile Consumer<SessionToken> takenOverListener = token -> {};
    private volatile Consumer<SessionToken> letGo = token -> {};

    /**
     * @param nodeId this node's id, the prefix of its claims and the name of its node channel
     * @param notices sends a takeover notice to the node that held a session before
     */
    RedisSessionStore(
            UnifiedJedis redis,
            AsyncConnection async,
            RedisCalls calls,
            RedisKeys keys,
            Duration ttl,
            String nodeId,
            NodeMessage.Sender notices) {
        this.redis = requireNonNull(redis, "redis");
        this.async = requireNonNull(async, "async");
        this.calls = requireNonNull(calls, "calls");
        this.keys = requireNonNull(keys, "keys");
        this.ttl = requireNonNull(ttl, "ttl");
        this.nodeId = requireNonNull(nodeId, "nodeId");
        this.notices = requireNonNull(notices, "notices");
    }

    /** A session this node owns: the claim it holds it by and its latest record (to restore what Redis lost). */
    private static final class Held {
        private final String claim;
        private volatile SessionRecord record;

        Held(String claim, SessionRecord record) {
            this.claim = claim;
            this.record = record;
        }
    }

    /** What to do, before the domain hears of it, with a session another node took over (or this one handed off). */
    void onLetGo(Consumer<SessionToken> action) {
        letGo = requireNonNull(action, "action");
    }

    @Override
    public boolean create(SessionRecord session) {
        return calls.call(() -> {
            Object taken = redis.eval(
                    TAKE_NICKNAME,
                    List.of(keys.nickname(session.nickname())),
                    List.of(nicknameHolder(session), Long.toString(ttl.toMillis())));
            if (!Long.valueOf(1).equals(taken)) {
                return false;
            }
            String claim = newClaim();
            write(session, claim);
            held.put(session.token(), new Held(claim, session));
            return true;
        });
    }

    /** As {@link #create}, over the connection whose callers do not wait: the session is written once its name is. */
    @Override
    public CompletionStage<Boolean> createAsync(SessionRecord session) {
        return calls.callAsync(() -> async.eval(
                        TAKE_NICKNAME,
                        List.of(keys.nickname(session.nickname())),
                        List.of(nicknameHolder(session), Long.toString(ttl.toMillis())))
                .thenCompose(taken -> {
                    if (!Long.valueOf(1).equals(taken)) {
                        return CompletableFuture.completedFuture(false);
                    }
                    String claim = newClaim();
                    return async.eval(WRITE, List.of(keys.session(session.token())), written(session, claim))
                            .thenApply(done -> {
                                held.put(session.token(), new Held(claim, session));
                                return true;
                            });
                }));
    }

    @Override
    public Optional<SessionRecord> find(SessionToken token) {
        return calls.call(() -> {
            Map<String, String> fields = redis.hgetAll(keys.session(token));
            if (fields.isEmpty() || fields.get(NICKNAME) == null) {
                return Optional.empty();
            }
            return Optional.of(new SessionRecord(
                    token,
                    new Nickname(fields.get(NICKNAME)),
                    rooms(fields.get(ROOMS)),
                    IdentityCodec.decode(fields.get(IDENTITY))));
        });
    }

    @Override
    public Optional<SessionRecord> claim(SessionToken token) {
        return calls.call(() -> {
            String claim = newClaim();
            List<?> reply = (List<?>)
                    redis.eval(CLAIM, List.of(keys.session(token)), List.of(claim, Long.toString(ttl.toMillis())));
            if (reply == null) {
                return Optional.empty();
            }
            String previous = (String) reply.get(0);
            Object identity = reply.size() > 3 ? reply.get(3) : null; // Lua false (no field) arrives as null
            SessionRecord record = new SessionRecord(
                    token,
                    new Nickname((String) reply.get(1)),
                    rooms((String) reply.get(2)),
                    IdentityCodec.decode(identity instanceof String text ? text : null));
            redis.pexpire(keys.nickname(record.nickname()), ttl.toMillis());
            held.put(token, new Held(claim, record));
            log.debug("claimed session of {} from {}", record.nickname(), previous);
            String previousNode = nodeOf(previous);
            if (!previousNode.equals(nodeId) && !previous.equals(NOBODY)) {
                tellTakenOver(previousNode, new NodeMessage.Taken(token.value(), previous));
            }
            return Optional.of(record);
        });
    }

    /** A courtesy: the node it is for also finds out when it next renews its sessions. */
    private void tellTakenOver(String node, NodeMessage.Taken notice) {
        try {
            notices.send(node, notice);
        } catch (RuntimeException e) {
            log.debug("takeover notice to node {} not sent: {}", node, e.toString());
        }
    }

    @Override
    public void update(SessionRecord session) {
        Held mine = held.get(session.token());
        if (mine == null) {
            return;
        }
        mine.record = session;
        calls.run(() -> {
            redis.eval(
                    UPDATE_IF_OWNER,
                    List.of(keys.session(session.token())),
                    List.of(
                            mine.claim,
                            rooms(session.rooms()),
                            Long.toString(ttl.toMillis()),
                            IdentityCodec.encode(session.identity())));
        });
    }

    @Override
    public Released release(SessionToken token) {
        Held mine = held.get(token);
        if (mine == null) { // released before, or its taken-over notice came: Redis tells which
            return calls.call(
                    () -> redis.exists(keys.session(token)) ? Released.OWNED_ELSEWHERE : Released.ALREADY_GONE);
        }
        return calls.call(() -> {
            synchronized (mine) { // not while a renewal restores it
                Object released = redis.eval(RELEASE_IF_OWNER, List.of(keys.session(token)), List.of(mine.claim));
                if (Long.valueOf(0).equals(released)) {
                    held.remove(token, mine);
                    return Released.OWNED_ELSEWHERE; // its notice is on the way: its nickname stays taken
                }
                // Released, or Redis lost it: either way the nickname is free now (if it is still this session's).
                redis.eval(RELEASE_NICKNAME, List.of(keys.nickname(mine.record.nickname())), List.of(token.value()));
                held.remove(token, mine);
                log.debug("released session of {} ({})", mine.record.nickname(), released);
                return Long.valueOf(1).equals(released) ? Released.RELEASED : Released.ALREADY_GONE;
            }
        });
    }

    @Override
    public boolean isNicknameTaken(Nickname nickname) {
        return calls.call(() -> {
            return redis.exists(keys.nickname(nickname));
        });
    }

    @Override
    public void onTakenOver(Consumer<SessionToken> listener) {
        takenOverListener = requireNonNull(listener, "listener");
    }

    /** This node's id: its claims start with it, and other nodes reach it on its node channel. */
    String nodeId() {
        return nodeId;
    }

    /** The node that owns the session, or empty if the session is gone. */
    Optional<String> ownerNode(SessionToken token) {
        return calls.call(() -> {
            String owner = redis.hget(keys.session(token), OWNER);
            return Optional.ofNullable(owner)
                    .filter(claim -> !claim.equals(NOBODY))
                    .map(RedisSessionStore::nodeOf);
        });
    }

    @Override
    public void disown(SessionToken token) {
        Held mine = held.get(token);
        if (mine == null) {
            return;
        }
        calls.run(() -> {
            synchronized (mine) { // not while a renewal restores it
                redis.eval(DISOWN_IF_OWNER, List.of(keys.session(token)), List.of(mine.claim));
                log.debug("handed off session of {}", mine.record.nickname());
                if (held.remove(token, mine)) {
                    letGo.accept(token); // its presence is no longer renewed here
                }
            }
        });
    }

    /** Another node claimed a session: let it go, unless the notice is about a claim this node no longer holds. */
    void takenOver(SessionToken token, String supersededClaim) {
        Held mine = held.get(token);
        if (mine != null && mine.claim.equals(supersededClaim) && held.remove(token, mine)) {
            letGo.accept(token);
            takenOverListener.accept(token);
        }
    }

    /**
     * Keeps this node's sessions alive; restores those Redis lost (a restart without persistence); lets go of those
     * another node claimed (if the notice was lost). Pipelined, a batch at a time. Call well within the ttl.
     */
    void renewHeld() {
        List<Map.Entry<SessionToken, Held>> all = List.copyOf(held.entrySet());
        for (int from = 0; from < all.size(); from += RENEWAL_BATCH) {
            renew(all.subList(from, Math.min(all.size(), from + RENEWAL_BATCH)));
        }
    }

    private void renew(List<Map.Entry<SessionToken, Held>> batch) {
        List<Response<Object>> outcomes = new ArrayList<>(batch.size());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            String ttlMillis = Long.toString(ttl.toMillis());
            for (Map.Entry<SessionToken, Held> entry : batch) {
                outcomes.add(pipeline.eval(
                        RENEW_IF_OWNER,
                        List.of(keys.session(entry.getKey())),
                        List.of(entry.getValue().claim, ttlMillis)));
            }
            pipeline.sync();
            for (int i = 0; i < batch.size(); i++) {
                if ((Long) outcomes.get(i).get() == 1) {
                    pipeline.pexpire(
                            keys.nickname(batch.get(i).getValue().record.nickname()), ttl.toMillis());
                }
            }
            pipeline.sync();
        }
        for (int i = 0; i < batch.size(); i++) {
            long outcome = (Long) outcomes.get(i).get();
            SessionToken token = batch.get(i).getKey();
            Held mine = batch.get(i).getValue();
            if (outcome == -1) {
                takenOver(token, mine.claim);
            } else if (outcome == 0) {
                restore(token, mine);
            }
        }
    }

    private void restore(SessionToken token, Held mine) {
        synchronized (mine) {
            if (held.get(token) != mine) {
                return; // released meanwhile: gone for good
            }
            SessionRecord record = mine.record;
            // Two renewals at once (the periodic one and the one after a reconnect) may both have found it lost; the
            // first restored it, and its nickname, held by this very session, must not read as taken by another.
            Object renewed = redis.eval(
                    RENEW_IF_OWNER, List.of(keys.session(token)), List.of(mine.claim, Long.toString(ttl.toMillis())));
            if (Long.valueOf(1).equals(renewed)) {
                return;
            }
            Object taken = redis.eval(
                    TAKE_NICKNAME,
                    List.of(keys.nickname(record.nickname())),
                    List.of(nicknameHolder(record), Long.toString(ttl.toMillis())));
            if (!Long.valueOf(1).equals(taken)) {
                log.warn("session of {} lost in Redis and its nickname taken meanwhile; ending it", record.nickname());
                takenOver(token, mine.claim);
                return;
            }
            write(record, mine.claim);
            log.info("restored session of {} that Redis lost", record.nickname());
        }
    }

    /**
     * One script, so the session never exists without its expiry: as two commands, a write whose call timed out
     * (Redis frozen) could land after the caller gave up and undid it, and the expiry never follow, leaving the
     * session forever (NothingLeftBehindIT's connect storm into a frozen Redis saw that).
     */
    private void write(SessionRecord session, String claim) {
        redis.eval(WRITE, List.of(keys.session(session.token())), written(session, claim));
    }

    /** {@link #WRITE}'s arguments. */
    private List<String> written(SessionRecord session, String claim) {
        return List.of(
                session.nickname().value(),
                rooms(session.rooms()),
                claim,
                Long.toString(ttl.toMillis()),
                IdentityCodec.encode(session.identity()));
    }

    /** Who holds a session's nickname: the session, or the signed-in user all of whose sessions share it. */
    private static String nicknameHolder(SessionRecord session) {
        return session.identity().isSignedIn()
                ? "u:" + session.identity().userId()
                : session.token().value();
    }

    private String newClaim() {
        return nodeId + "." + claims.incrementAndGet();
    }

    private static String nodeOf(String claim) {
        int dot = claim.indexOf('.');
        return dot < 0 ? claim : claim.substring(0, dot);
    }

    private static String rooms(Set<RoomName> rooms) {
        return rooms.stream().map(RoomName::value).sorted().collect(Collectors.joining(","));
    }

    private static Set<RoomName> rooms(String joined) {
        if (joined == null || joined.isEmpty()) {
            return Set.of();
        }
        return Arrays.stream(joined.split(",")).map(RoomName::of).collect(Collectors.toSet());
    }
}
