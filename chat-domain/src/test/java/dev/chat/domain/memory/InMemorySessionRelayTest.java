package dev.chat.domain.memory;

import dev.chat.domain.contract.SessionRelayContract;

class InMemorySessionRelayTest extends SessionRelayContract {
    @Override
    protected Node createNode() {
        return new Node(new InMemorySessionStore(), new InMemorySessionRelay());
    }
}
