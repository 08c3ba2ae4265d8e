package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

/**
 * A server event encoded once, shared by all its recipients. {@code dataJson} is the event's {@code data} object;
 * {@code envelopeJson} is the full {@code {"event":..,"data":..}} frame, and {@code envelopeBytes} its size in UTF-8,
 * counted once here rather than once per recipient. Transports pick the form they need.
 */
public record OutboundEvent(ServerEvent event, String name, String dataJson, String envelopeJson, int envelopeBytes) {
    public OutboundEvent {
        requireNonNull(event, "event");
        requireNonNull(name, "name");
        requireNonNull(dataJson, "dataJson");
        requireNonNull(envelopeJson, "envelopeJson");
    }

    public OutboundEvent(ServerEvent event, String name, String dataJson, String envelopeJson) {
        this(event, name, dataJson, envelopeJson, utf8Length(envelopeJson));
    }

    /** The number of bytes {@code text} takes in UTF-8, without encoding it. */
    public static int utf8Length(CharSequence text) {
        int bytes = 0;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3; // a lone surrogate is written as '?' by Java's encoder: counting 3 over-counts, safely
            }
        }
        return bytes;
    }
}
