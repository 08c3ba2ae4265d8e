package dev.chat.domain.memory;

import dev.chat.domain.contract.MessageHistoryContract;

class InMemoryMessageHistoryTest extends MessageHistoryContract {
    @Override
    protected Stores createStores(int capacity) {
        InMemoryEventBus bus = new InMemoryEventBus();
        return new Stores(bus, new InMemoryMessageHistory(bus, capacity));
    }
}
