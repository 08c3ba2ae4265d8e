package dev.chat.domain.memory;

import dev.chat.domain.contract.PresenceStoreContract;
import dev.chat.domain.port.out.PresenceStore;

class InMemoryPresenceStoreTest extends PresenceStoreContract {
    @Override
    protected PresenceStore createPresenceStore() {
        return new InMemoryPresenceStore();
    }
}
