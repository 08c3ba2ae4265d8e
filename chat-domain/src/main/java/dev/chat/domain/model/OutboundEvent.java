package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

/**
 * A server event encoded once, shared by all its recipients. {@code dataJson} is the event's {@code data} object;
 * {@code envelopeJson} is the full {@code {"event":..,"data":..}} frame. Transports pick the form they need.
 */
public record OutboundEvent(ServerEvent event, String name, String dataJson, String envelopeJson) {
    public OutboundEvent {
        requireNonNull(event, "event");
        requireNonNull(name, "name");
        requireNonNull(dataJson, "dataJson");
        requireNonNull(envelopeJson, "envelopeJson");
    }
}
