package dev.chat.store.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Buses and histories on the test Redis, in a namespace of their own, closed after each test. */
final class RedisBuses implements AutoCloseable {
    final RedisKeys keys = new RedisKeys("test-bus-" + UUID.randomUUID());
    final RoomEventCodec codec = new RoomEventCodec();
    private final List<RedisEventBus> open = new ArrayList<>();

    RedisEventBus bus() {
        RedisEventBus bus = new RedisEventBus(
                TestRedis.client(),
                new RedisCalls(64),
                RedisStores.Settings.DEFAULT_COMMAND_TIMEOUT,
                TestRedis.uri(),
                keys,
                codec,
                UUID.randomUUID().toString(),
                message -> {},
                () -> {});
        bus.start();
        open.add(bus);
        return bus;
    }

    RedisMessageHistory history(int capacity) {
        return new RedisMessageHistory(TestRedis.client(), new RedisCalls(64), keys, codec, capacity);
    }

    @Override
    public void close() {
        open.forEach(RedisEventBus::close);
    }
}
