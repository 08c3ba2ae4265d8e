package dev.chat.app.support;

import java.util.stream.Stream;

/** Reads a {@code text/event-stream} as an EventSource does, for the test clients: one call per event block. */
final class EventStreamReader {
    /** What the stream carried. */
    interface Listener {
        /** A block ended by a blank line: its event name ("message" by default), data (null if none) and id. */
        void onEvent(String event, String data, String id);

        default void onComment() {}

        default void onRetry(String retry) {}
    }

    private EventStreamReader() {}

    /** Reads until the stream ends; a stream that breaks ends the same way (the caller decides what follows). */
    static void read(Stream<String> lines, Listener listener) {
        String event = "message";
        StringBuilder data = new StringBuilder();
        String id = null;
        try (lines) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (data.length() > 0 || id != null) {
                        listener.onEvent(event, data.length() > 0 ? data.toString() : null, id);
                    }
                    event = "message";
                    data.setLength(0);
                    id = null;
                } else if (line.startsWith(":")) {
                    listener.onComment();
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                } else if (line.startsWith("retry: ")) {
                    listener.onRetry(line.substring(7));
                }
            }
        } catch (RuntimeException broken) {
            // closed by the test, or cut: ends like the stream's end
        }
    }
}
