package dev.chat.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Keeps a flood of one log line from flooding the log: each message (its logger and format, not its arguments) is
 * logged at most {@code allowed} times per {@code windowMillis}; the rest are dropped, and the next one logged after
 * the window says how many were. DEBUG and TRACE pass untouched: they are asked for on purpose.
 */
public final class RepeatedMessageFilter extends TurboFilter {
    private static final String SUMMARY_LOGGER = RepeatedMessageFilter.class.getName();
    /** Distinct messages tracked at once; beyond this the counts start over (a flood of distinct lines is rare). */
    private static final int MAX_TRACKED = 10_000;

    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private int allowed = 10;
    private long windowMillis = 10_000;

    /** Set from logback.xml ({@code <allowed>}). */
    public void setAllowed(int allowed) {
        this.allowed = allowed;
    }

    /** Set from logback.xml ({@code <windowMillis>}). */
    public void setWindowMillis(long windowMillis) {
        this.windowMillis = windowMillis;
    }

    @Override
    public FilterReply decide(
            Marker marker, Logger logger, Level level, String format, Object[] params, Throwable thrown) {
        if (format == null || level == null || !level.isGreaterOrEqual(Level.INFO)) {
            return FilterReply.NEUTRAL;
        }
        if (logger.getName().equals(SUMMARY_LOGGER)) {
            return FilterReply.NEUTRAL;
        }
        if (windows.size() > MAX_TRACKED) {
            windows.clear();
        }
        Window window = windows.computeIfAbsent(logger.getName() + '\u0000' + format, key -> new Window());
        long suppressedBefore;
        synchronized (window) {
            long now = System.currentTimeMillis();
            if (now - window.startMillis >= windowMillis) {
                suppressedBefore = window.suppressed;
                window.startMillis = now;
                window.count = 0;
                window.suppressed = 0;
            } else {
                suppressedBefore = 0;
            }
            if (++window.count > allowed) {
                window.suppressed++;
                return FilterReply.DENY;
            }
        }
        if (suppressedBefore > 0) {
            LoggerFactory.getLogger(SUMMARY_LOGGER)
                    .warn("{} more lines like this were dropped: {} - {}", suppressedBefore, logger.getName(), format);
        }
        return FilterReply.NEUTRAL;
    }

    private static final class Window {
        private long startMillis = System.currentTimeMillis();
        private long count;
        private long suppressed;
    }
}
