package dev.chat.store.redis;

import dev.chat.domain.contract.EventBusContract;
import dev.chat.domain.port.out.EventBus;
import org.junit.jupiter.api.AfterEach;

class RedisEventBusIT extends EventBusContract {
    private final RedisBuses buses = new RedisBuses();

    @Override
    protected EventBus createBus() {
        return buses.bus();
    }

    @AfterEach
    void closeBuses() {
        buses.close();
    }
}
