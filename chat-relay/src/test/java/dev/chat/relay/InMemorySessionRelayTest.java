package dev.chat.relay;

import dev.chat.domain.memory.InMemorySessionStore;

class InMemorySessionRelayTest extends SessionRelayContract {
    @Override
    protected Node createNode() {
        return new Node(new InMemorySessionStore(), new InMemorySessionRelay());
    }
}
