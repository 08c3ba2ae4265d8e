package dev.chat.domain.memory;

import dev.chat.domain.contract.RoomEntryContract;
import dev.chat.domain.port.out.RoomEntry;

/** The entry made of the two ports' own calls, on the in-memory stores. */
class InMemoryRoomEntryTest extends RoomEntryContract {
    @Override
    protected Stores createStores(int historyCapacity) {
        InMemoryPresenceStore presence = new InMemoryPresenceStore();
        InMemoryMessageHistory history = new InMemoryMessageHistory(new InMemoryEventBus(), historyCapacity);
        return new Stores(RoomEntry.of(presence, history), presence, history);
    }
}
