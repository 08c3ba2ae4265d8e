package dev.chat.transport.polling;

import java.time.Duration;

/** A poll relayed to the node that serves its session: the client's cursor (or null) and how long it may be held. */
record RelayedPoll(String cursor, Duration timeout) {
    /** {@code TIMEOUT_MILLIS CURSOR}, the cursor left out when there is none. */
    String text() {
        return timeout.toMillis() + (cursor == null ? "" : " " + cursor);
    }

    static RelayedPoll parse(String text) {
        int space = text.indexOf(' ');
        String millis = space < 0 ? text : text.substring(0, space);
        String cursor = space < 0 ? null : text.substring(space + 1);
        return new RelayedPoll(cursor, Duration.ofMillis(Long.parseLong(millis)));
    }
}
