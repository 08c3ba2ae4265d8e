package dev.chat.domain.memory;

import dev.chat.domain.contract.EventBusContract;
import dev.chat.domain.port.out.EventBus;

class InMemoryEventBusTest extends EventBusContract {
    @Override
    protected EventBus createBus() {
        return new InMemoryEventBus();
    }
}
