package dev.chat.transport.polling;

import dev.chat.domain.model.Cursor;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A polling client's cursor: the feed it polls, how many of the feed's events it has, and the message positions
 * those events reached ({@code FEED~N~POSITIONS}). The positions let any node resume it from history when the feed
 * is gone.
 */
record PollCursor(String feedId, long received, Cursor positions) {
    private static final Pattern FEED_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    /** The feed a client names when it starts over (a page reload, a switch of transport): always a fresh feed. */
    static final String START_OVER = "resume";

    static Optional<PollCursor> parse(String text) {
        if (text == null || text.length() > Cursor.MAX_TEXT_LENGTH) {
            return Optional.empty();
        }
        String[] parts = text.split("~", 3);
        if (parts.length != 3 || !FEED_ID.matcher(parts[0]).matches() || !parts[1].matches("\\d{1,18}")) {
            return Optional.empty();
        }
        Cursor positions =
                parts[2].isEmpty() ? Cursor.EMPTY : Cursor.parse(parts[2]).orElse(null);
        if (positions == null) {
            return Optional.empty();
        }
        return Optional.of(new PollCursor(parts[0], Long.parseLong(parts[1]), positions));
    }

    /** True if the client starts over: it names no feed of the server's on purpose. */
    boolean startsOver() {
        return feedId.equals(START_OVER);
    }

    String text() {
        return feedId + "~" + received + "~" + positions.text();
    }
}
