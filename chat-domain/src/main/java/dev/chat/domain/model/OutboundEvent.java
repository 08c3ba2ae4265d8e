package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;

/**
 * A server event encoded once, shared by all its recipients. {@code dataJson} is the event's {@code data} object;
 * {@code envelopeJson} is the full {@code {"event":..,"data":..}} frame, and {@code envelopeBytes} its size in UTF-8,
 * counted once here rather than once per recipient. Transports pick the form they need; a WebSocket frame takes
 * {@link #envelopeUtf8()}, made on first use and then shared, so a broadcast is turned into bytes once, not once per
 * recipient (that conversion was the largest allocation of a fan-out, docs/performance-log.md).
 */
public final class OutboundEvent {
    private final ServerEvent event;
    private final String name;
    private final String envelopeJson;
    private final int envelopeBytes;
    /** Where {@code data} starts in the envelope; it ends before the envelope's closing brace. */
    private final int dataStart;
    /** Cut from the envelope on first use (a WebSocket never asks); racing first users each cut an equal copy. */
    private volatile String dataJson;
    /** {@code envelopeJson} in UTF-8; racing first users each make an equal copy, and one of them stays. */
    private volatile byte[] envelopeUtf8;

    private OutboundEvent(
            ServerEvent event, String name, String dataJson, String envelopeJson, int dataStart, int envelopeBytes) {
        this.event = requireNonNull(event, "event");
        this.name = requireNonNull(name, "name");
        this.dataJson = dataJson;
        this.envelopeJson = requireNonNull(envelopeJson, "envelopeJson");
        this.dataStart = dataStart;
        this.envelopeBytes = envelopeBytes;
    }

    public OutboundEvent(ServerEvent event, String name, String dataJson, String envelopeJson, int envelopeBytes) {
        this(event, name, requireNonNull(dataJson, "dataJson"), envelopeJson, -1, envelopeBytes);
    }

    public OutboundEvent(ServerEvent event, String name, String dataJson, String envelopeJson) {
        this(event, name, dataJson, envelopeJson, utf8Length(envelopeJson));
    }

    /**
     * An event from its envelope alone, {@code {"event":..,"data":DATA}}, whose {@code DATA} starts at {@code
     * dataStart}.
     */
    public static OutboundEvent ofEnvelope(ServerEvent event, String name, String envelopeJson, int dataStart) {
        if (dataStart < 0 || dataStart >= envelopeJson.length() || !envelopeJson.endsWith("}")) {
            throw new IllegalArgumentException("no data at " + dataStart + " in " + envelopeJson);
        }
        return new OutboundEvent(event, name, null, envelopeJson, dataStart, utf8Length(envelopeJson));
    }

    public ServerEvent event() {
        return event;
    }

    public String name() {
        return name;
    }

    public String dataJson() {
        String data = dataJson;
        if (data == null) {
            data = envelopeJson.substring(dataStart, envelopeJson.length() - 1);
            dataJson = data;
        }
        return data;
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
