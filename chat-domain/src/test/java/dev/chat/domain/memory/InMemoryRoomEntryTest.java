package dev.chat.domain.memory;

import dev.chat.domain.contract.RoomEntryContract;
import dev.chat.domain.port.out.RoomEntry;

/** The entry made of the three ports' own calls, on the in-memory stores. */
class InMemoryRoomEntryTest extends RoomEntryContract {
    @Override
    protected Stores createStores(int historyCapacity) {
        InMemoryPresenceStore presence = new InMemoryPresenceStore();
        InMemoryEventBus bus = new InMemoryEventBus();
        InMemoryMessageHistory history = new InMemoryMessageHistory(bus, historyCapacity);
        return new Stores(RoomEntry.of(presence, history, bus), presence, history, bus);
    }
}
