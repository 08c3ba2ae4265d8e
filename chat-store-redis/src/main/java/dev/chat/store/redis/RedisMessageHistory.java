package dev.chat.store.redis;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.HistorySlice;
import dev.chat.domain.model.MessageDraft;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.RoomPosition;
import dev.chat.domain.port.out.MessageHistory;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * Each room's messages in a Redis Stream (entry id {@code SEQ-0}, trimmed to the capacity). Appending assigns the seq,
 * stores and publishes in one Lua script, so publish order is seq order on every node. The same script checks and
 * records the draft's idempotency key in a sorted set scored by seq, trimmed along with the stream. The room's epoch is created
 * once; if Redis loses the room's data, the next append or read creates a new one.
 */
final class RedisMessageHistory implements MessageHistory {
    private static final SecureRandom RANDOM = new SecureRandom();

    // KEYS: seq, log, epoch, sent. ARGV: payload before seq, payload after the epoch, channel, capacity, new epoch,
    // idempotency key ('' for none). Returns {seq} for a new message, {seq, payload} for an earlier one with the key.
    private static final String APPEND = "redis.call('SET', KEYS[3], ARGV[5], 'NX') "
            + "if ARGV[6] ~= '' then "
            + "  local earlier = redis.call('ZSCORE', KEYS[4], ARGV[6]) "
            + "  if earlier then "
            + "    local entry = redis.call('XRANGE', KEYS[2], earlier .. '-0', earlier .. '-0') "
            + "    if #entry > 0 then return {tonumber(earlier), entry[1][2][2]} end "
            + "  end "
            + "end "
            + "local seq = redis.call('INCR', KEYS[1]) "
            + "local payload = ARGV[1] .. seq .. ',\"epoch\":\"' .. redis.call('GET', KEYS[3]) .. '\"' .. ARGV[2] "
            + "redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[4], seq .. '-0', 'e', payload) "
            + "redis.call('PUBLISH', ARGV[3], payload) "
            + "if ARGV[6] ~= '' then "
            + "  redis.call('ZADD', KEYS[4], seq, ARGV[6]) "
            + "  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', seq - tonumber(ARGV[4])) "
            + "end "
            + "return {seq}";
    // KEYS: seq, epoch. ARGV: new epoch.
    private static final String POSITION = "redis.call('SET', KEYS[2], ARGV[1], 'NX') "
            + "return {redis.call('GET', KEYS[2]), redis.call('GET', KEYS[1]) or '0'}";
    // KEYS: seq, log, epoch. ARGV: new epoch, after seq, limit.
    private static final String READ_AFTER = "redis.call('SET', KEYS[3], ARGV[1], 'NX') "
            + "local last = tonumber(redis.call('GET', KEYS[1]) or '0') "
            + "local first = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 1) "
            + "local firstSeq = last + 1 "
            + "if #first > 0 then firstSeq = tonumber(string.match(first[1][1], '^(%d+)')) end "
            + "local entries = redis.call('XRANGE', KEYS[2], '(' .. ARGV[2] .. '-0', '+', 'COUNT', ARGV[3]) "
            + "local payloads = {} "
            + "for i, entry in ipairs(entries) do payloads[i] = entry[2][2] end "
            + "return {redis.call('GET', KEYS[3]), tostring(last), tostring(firstSeq), payloads}";
    /**
     * Reads a room's epoch (creating it if missing), latest seq and latest messages up to that seq, oldest first, into
     * the locals {@code epoch}, {@code last} and {@code payloads}; expects the locals {@code seqKey}, {@code logKey},
     * {@code epochKey}, {@code newEpoch} and {@code limit}. Shared with a joiner's entry ({@link RedisPresenceStore}).
     */
    static final String READ_LATEST = "redis.call('SET', epochKey, newEpoch, 'NX') "
            + "local last = redis.call('GET', seqKey) or '0' "
            + "local payloads = {} "
            + "if tonumber(limit) > 0 and last ~= '0' then "
            + "local entries = redis.call('XREVRANGE', logKey, last .. '-0', '-', 'COUNT', limit) "
            + "for i = #entries, 1, -1 do payloads[#payloads + 1] = entries[i][2][2] end "
            + "end "
            + "local epoch = redis.call('GET', epochKey) ";
    // KEYS: seq, log, epoch. ARGV: new epoch, limit.
    private static final String LATEST =
            "local seqKey, logKey, epochKey, newEpoch, limit = KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2] "
                    + READ_LATEST
                    + "return {epoch, last, payloads}";

    private final UnifiedJedis redis;
    private final RedisCalls calls;
    private final RedisKeys keys;
    private final RoomEventCodec codec;
    private final int capacity;

    RedisMessageHistory(UnifiedJedis redis, RedisCalls calls, RedisKeys keys, RoomEventCodec codec, int capacity) {
        this.redis = requireNonNull(redis, "redis");
        this.calls = requireNonNull(calls, "calls");
        this.keys = requireNonNull(keys, "keys");
        this.codec = requireNonNull(codec, "codec");
        if (capacity < 1) {
            throw new IllegalArgumentException("history capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
    }

    @Override
    public ChatMessage append(MessageDraft draft) {
        return calls.write(() -> {
            RoomEventCodec.MessageTemplate template = codec.template(draft);
            RoomName room = draft.room();
            String idempotencyKey = draft.idempotencyKey() == null ? "" : draft.idempotencyKey();
            List<?> reply = (List<?>) redis.eval(
                    APPEND,
                    List.of(keys.seq(room), keys.log(room), keys.epoch(room), keys.sentKeys(room)),
                    List.of(
                            template.beforeSeq(),
                            template.afterEpoch(),
                            keys.channel(room),
                            Integer.toString(capacity),
                            newEpoch(),
                            idempotencyKey));
            if (reply.size() > 1) {
                return (ChatMessage) codec.decode((String) reply.get(1)); // a retry: the message stored before
            }
            return draft.withSeq((Long) reply.get(0));
        });
    }

    @Override
    public HistorySlice readAfter(RoomName room, long afterSeq, int limit) {
        return calls.call(() -> {
            List<?> reply = (List<?>) redis.eval(
                    READ_AFTER,
                    List.of(keys.seq(room), keys.log(room), keys.epoch(room)),
                    List.of(newEpoch(), Long.toString(Math.max(0, afterSeq)), Integer.toString(limit)));
            String epoch = (String) reply.get(0);
            long last = Long.parseLong((String) reply.get(1));
            long firstKept = Long.parseLong((String) reply.get(2));
            List<ChatMessage> messages = new ArrayList<>();
            for (Object payload : (List<?>) reply.get(3)) {
                messages.add((ChatMessage) codec.decode((String) payload));
            }
            boolean complete = afterSeq >= firstKept - 1 && afterSeq <= last;
            return new HistorySlice(epoch, last, messages, complete);
        });
    }

    @Override
    public RoomPosition position(RoomName room) {
        return calls.call(() -> {
            List<?> reply =
                    (List<?>) redis.eval(POSITION, List.of(keys.seq(room), keys.epoch(room)), List.of(newEpoch()));
            return new RoomPosition((String) reply.get(0), Long.parseLong((String) reply.get(1)));
        });
    }

    /** The position and the messages in one round trip: a join into a busy room costs one call less. */
    @Override
    public HistorySlice latest(RoomName room, int limit) {
        return calls.call(() -> {
            List<?> reply = (List<?>) redis.eval(LATEST, latestKeys(room), latestArguments(limit));
            return latestFrom(reply, 0, limit);
        });
    }

    /** {@link #READ_LATEST}'s keys: seq, log, epoch. */
    List<String> latestKeys(RoomName room) {
        return List.of(keys.seq(room), keys.log(room), keys.epoch(room));
    }

    /** {@link #READ_LATEST}'s arguments: new epoch, limit. */
    static List<String> latestArguments(int limit) {
        return List.of(newEpoch(), Integer.toString(Math.max(0, limit)));
    }

    /** The slice in a reply that holds {@link #READ_LATEST}'s epoch, last and payloads from {@code at} on. */
    HistorySlice latestFrom(List<?> reply, int at, int limit) {
        long last = Long.parseLong((String) reply.get(at + 1));
        List<ChatMessage> messages = new ArrayList<>();
        for (Object payload : (List<?>) reply.get(at + 2)) {
            messages.add((ChatMessage) codec.decode((String) payload));
        }
        return new HistorySlice(
                (String) reply.get(at), last, messages, MessageHistory.isComplete(messages, last, limit));
    }

    private static String newEpoch() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
