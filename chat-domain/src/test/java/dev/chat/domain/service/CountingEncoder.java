package dev.chat.domain.service;

import dev.chat.domain.model.OutboundEvent;
import dev.chat.domain.model.ServerEvent;
import dev.chat.domain.port.out.EventEncoder;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Encodes events as their {@code toString()} and counts how often each event was encoded. */
final class CountingEncoder implements EventEncoder {
    private final ConcurrentHashMap<ServerEvent, AtomicInteger> counts = new ConcurrentHashMap<>();

    @Override
    public OutboundEvent encode(ServerEvent event) {
        counts.computeIfAbsent(event, e -> new AtomicInteger()).incrementAndGet();
        String text = event.toString();
        return new OutboundEvent(event, event.getClass().getSimpleName(), text, text);
    }

    int timesEncoded(ServerEvent event) {
        AtomicInteger count = counts.get(event);
        return count == null ? 0 : count.get();
    }
}
