package dev.chat.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.MessageDraft;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomEvent;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.UserConnected;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;

/** A Redis that stops answering (SIGSTOP): every call gives up within the timeout, and nothing stays broken after. */
class RedisStallStoreIT {
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    private final RedisServerProcess redis = RedisServerProcess.start();
    /** As the stores make it: every caller's commands over one connection. */
    private final UnifiedJedis client = new UnifiedJedis(RedisStores.sharedConnection(redis.uri(), TIMEOUT));

    private final RedisKeys keys = new RedisKeys("stall-" + UUID.randomUUID());
    private final RoomEventCodec codec = new RoomEventCodec();

    @AfterEach
    void stop() throws Exception {
        redis.thaw();
        client.close();
        redis.close();
    }

    @Test
    void givenASubscriptionThatIsNeverConfirmed_itGivesUpInTime_andLeavesNoListenerBehind() throws Exception {
        // Commands go to a Redis that answers; the subscriber connection to the one that will freeze.
        RedisEventBus bus = new RedisEventBus(
                TestRedis.client(),
                new RedisCalls(64),
                TIMEOUT,
                redis.uri(),
                keys,
                codec,
                "node",
                message -> {},
                () -> {});
        bus.start();
        RoomName room = RoomName.of("unconfirmed");
        List<RoomEvent> received = new CopyOnWriteArrayList<>();
        try {
            redis.freeze();
            long before = System.nanoTime();
            assertThatThrownBy(() -> bus.subscribe(room, received::add))
                    .isInstanceOf(ChatException.class)
                    .extracting(e -> ((ChatException) e).code())
                    .isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(2));
            redis.thaw();

            Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
                bus.subscribe(room, received::add);
                return true;
            });
            try (Jedis publisher = new Jedis(redis.uri())) {
                publisher.publish(keys.channel(room), codec.presence(new UserConnected(room, new Nickname("Back"))));
            }
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !received.isEmpty());
            assertThat(received).hasSize(1); // the listener that gave up was not left registered
        } finally {
            bus.close();
        }
    }

    @Test
    void givenAFrozenRedis_anAppendIsAnsweredOutcomeUnknownInTime_andAReadUnavailable() throws Exception {
        RedisMessageHistory history = new RedisMessageHistory(client, new RedisCalls(64), keys, codec, 100);
        RoomName room = RoomName.of("frozen-history");
        history.position(room); // connected

        redis.freeze();
        long before = System.nanoTime();
        assertThatThrownBy(() -> history.append(
                        new MessageDraft(room, "id", new Nickname("Sender"), "hello", Instant.EPOCH, "s r1")))
                .extracting(e -> ((ChatException) e).code())
                .isEqualTo(ErrorCode.OUTCOME_UNKNOWN);
        assertThatThrownBy(() -> history.position(room))
                .extracting(e -> ((ChatException) e).code())
                .isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(2));
    }
}
