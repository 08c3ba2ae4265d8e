package dev.chat.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a flood of one log line from flooding the log: each message (its logger and format, not its arguments) is
 * logged at most {@code allowed} times per {@code windowMillis}; the rest are dropped, and the next one logged after
 * the window is preceded by a line saying how many were. DEBUG and TRACE pass untouched: they are asked for on purpose.
 *
 * <p>An appender's filter, not a turbo filter: logback asks turbo filters on every level check, and Jetty checks
 * {@code isDebugEnabled()} a dozen times per frame it writes, which took a tenth of the server's CPU in a fan-out
 * (docs/performance-log.md). An appender's filter sees only lines that are logged. The line about dropped lines goes to
 * the logger named after this class, which must reach the console through an appender of its own (logback.xml): an
 * appender ignores lines logged from inside its own filter.
 */
public final class RepeatedMessageFilter extends Filter<ILoggingEvent> {
    static final String SUMMARY_LOGGER = RepeatedMessageFilter.class.getName();
    /** Distinct messages tracked at once; beyond this the counts start over (a flood of distinct lines is rare). */
    private static final int MAX_TRACKED = 10_000;

    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private int allowed = 10;
    private long windowMillis = 10_000;
    private LongSupplier clock = System::currentTimeMillis;

    /** Set from logback.xml ({@code <allowed>}). */
    public void setAllowed(int allowed) {
        this.allowed = allowed;
    }

    /** Set from logback.xml ({@code <windowMillis>}). */
    public void setWindowMillis(long windowMillis) {
        this.windowMillis = windowMillis;
    }

    /** For tests: where the time comes from, in milliseconds. */
    void setClock(LongSupplier clock) {
        this.clock = clock;
    }

    @Override
    public FilterReply decide(ILoggingEvent event) {
        String format = event.getMessage();
        if (format == null || !event.getLevel().isGreaterOrEqual(Level.INFO)) {
            return FilterReply.NEUTRAL;
        }
        if (event.getLoggerName().equals(SUMMARY_LOGGER)) {
            return FilterReply.NEUTRAL;
        }
        if (windows.size() > MAX_TRACKED) {
            windows.clear();
        }
        long now = clock.getAsLong();
        Window window = windows.computeIfAbsent(event.getLoggerName() + '\u0000' + format, key -> new Window(now));
        long suppressedBefore;
        synchronized (window) {
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
            summaryLogger()
                    .warn(
                            "{} more lines like this were dropped: {} - {}",
                            suppressedBefore,
                            event.getLoggerName(),
                            format);
        }
        return FilterReply.NEUTRAL;
    }

    /** The logger of the filter's own logback context (a test's, or the application's). */
    private Logger summaryLogger() {
        return getContext() instanceof LoggerContext loggers
                ? loggers.getLogger(SUMMARY_LOGGER)
                : LoggerFactory.getLogger(SUMMARY_LOGGER);
    }

    private static final class Window {
        private long startMillis;
        private long count;
        private long suppressed;

        Window(long startMillis) {
            this.startMillis = startMillis;
        }
    }
}
