package dev.chat.domain.memory;

import dev.chat.domain.contract.SessionStoreContract;
import dev.chat.domain.port.out.SessionStore;

class InMemorySessionStoreTest extends SessionStoreContract {
    @Override
    protected SessionStore createSessionStore() {
        return new InMemorySessionStore();
    }
}
