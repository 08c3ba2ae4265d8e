package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;

/**
 * A server event encoded once, shared by all its recipients. {@code dataJson} is the event's {@code data} object;
 * {@code envelopeJson} is the full {@code {"event":..,"data":..}} frame, and {@code envelopeBytes} its size in UTF-8,
 * counted once here rather than once per recipient. Transports pick the form they need; a WebSocket frame takes
 * {@link #envelopeUtf8()}, made on first use and then shared, so a broadcast is turned into bytes once, not once per
 * recipient (that conversion was the largest allocation of a fan-out, docs/performance.md).
 */
public final class OutboundEvent {
    private final ServerEvent event;
    private final String name;
    private final String dataJson;
    private final String envelopeJson;
    private final int envelopeBytes;
    /** {@code envelopeJson} in UTF-8; racing first users each make an equal copy, and one of them stays. */
    private volatile byte[] envelopeUtf8;

    public OutboundEvent(ServerEvent event, String name, String dataJson, String envelopeJson, int envelopeBytes) {
        this.event = requireNonNull(event, "event");
        this.name = requireNonNull(name, "name");
        this.dataJson = requireNonNull(dataJson, "dataJson");
        this.envelopeJson = requireNonNull(envelopeJson, "envelopeJson");
        this.envelopeBytes = envelopeBytes;
    }

    public OutboundEvent(ServerEvent event, String name, String dataJson, String envelopeJson) {
        this(event, name, dataJson, envelopeJson, utf8Length(envelopeJson));
    }

    public ServerEvent event() {
        return event;
    }

    public String name() {
        return name;
    }

    public String dataJson() {
        return dataJson;
    }

    public String envelopeJson() {
        return envelopeJson;
    }

    public int envelopeBytes() {
        return envelopeBytes;
    }

    /** The envelope in UTF-8, the same array for every caller: read it, never write into it. */
    public byte[] envelopeUtf8() {
        byte[] bytes = envelopeUtf8;
        if (bytes == null) {
            bytes = envelopeJson.getBytes(StandardCharsets.UTF_8);
            envelopeUtf8 = bytes;
        }
        return bytes;
    }

    @Override
    public String toString() {
        return "OutboundEvent[" + envelopeJson + "]";
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
