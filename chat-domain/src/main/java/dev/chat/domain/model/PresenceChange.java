package dev.chat.domain.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What changed in a big room's membership since its last such frame: its count now, and some of who arrived and left
 * (at most {@link #MAX_NAMES} of each). Sent to each member at most once per presence interval instead of one event
 * per arrival and departure.
 */
public record PresenceChange(RoomName room, int count, List<Nickname> joined, List<Nickname> left)
        implements ServerEvent {
    /** Names listed per frame at most, of arrivals and of departures each. */
    public static final int MAX_NAMES = 30;

    public PresenceChange {
        requireNonNull(room, "room");
        joined = List.copyOf(joined);
        left = List.copyOf(left);
    }
}
