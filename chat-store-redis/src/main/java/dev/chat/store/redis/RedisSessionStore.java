package dev.chat.store.redis;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SessionRecord;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.SessionStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * Sessions in Redis, so any node can serve a session's next request. A nickname is claimed with {@code SET NX};
 * every key expires after {@code ttl} unless updated, so a crashed node's sessions do not live forever.
 */
final class RedisSessionStore implements SessionStore {
    private static final String NICKNAME = "nickname";
    private static final String ROOMS = "rooms";
    /** Deletes a nickname's claim only if it still belongs to this session. */
    private static final String RELEASE_NICKNAME =
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
    /** Updates a session's rooms only if the session still exists. */
    private static final String UPDATE_IF_PRESENT = "if redis.call('EXISTS', KEYS[1]) == 1 then "
            + "redis.call('HSET', KEYS[1], 'rooms', ARGV[1]); redis.call('PEXPIRE', KEYS[1], ARGV[2]); "
            + "redis.call('PEXPIRE', KEYS[2], ARGV[2]); return 1 end return 0";

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final Duration ttl;

    RedisSessionStore(UnifiedJedis redis, RedisKeys keys, Duration ttl) {
        this.redis = requireNonNull(redis, "redis");
        this.keys = requireNonNull(keys, "keys");
        this.ttl = requireNonNull(ttl, "ttl");
    }

    @Override
    public boolean create(SessionRecord session) {
        return Unavailable.guard(() -> {
            String claimed = redis.set(
                    keys.nickname(session.nickname()),
                    session.token().value(),
                    SetParams.setParams().nx().px(ttl.toMillis()));
            if (claimed == null) {
                return false;
            }
            String key = keys.session(session.token());
            redis.hset(key, Map.of(NICKNAME, session.nickname().value(), ROOMS, rooms(session.rooms())));
            redis.pexpire(key, ttl.toMillis());
            return true;
        });
    }

    @Override
    public Optional<SessionRecord> find(SessionToken token) {
        return Unavailable.guard(() -> {
            Map<String, String> fields = redis.hgetAll(keys.session(token));
            if (fields.isEmpty() || fields.get(NICKNAME) == null) {
                return Optional.empty();
            }
            return Optional.of(new SessionRecord(token, new Nickname(fields.get(NICKNAME)), rooms(fields.get(ROOMS))));
        });
    }

    @Override
    public void update(SessionRecord session) {
        Unavailable.guard(() -> {
            redis.eval(
                    UPDATE_IF_PRESENT,
                    List.of(keys.session(session.token()), keys.nickname(session.nickname())),
                    List.of(rooms(session.rooms()), Long.toString(ttl.toMillis())));
        });
    }

    @Override
    public void remove(SessionToken token) {
        Unavailable.guard(() -> {
            String key = keys.session(token);
            String nickname = redis.hget(key, NICKNAME);
            redis.del(key);
            if (nickname != null) {
                redis.eval(RELEASE_NICKNAME, List.of(keys.nickname(new Nickname(nickname))), List.of(token.value()));
            }
        });
    }

    @Override
    public boolean isNicknameTaken(Nickname nickname) {
        return Unavailable.guard(() -> {
            return redis.exists(keys.nickname(nickname));
        });
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
