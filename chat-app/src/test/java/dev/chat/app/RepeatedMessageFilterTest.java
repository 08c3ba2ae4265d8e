package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RepeatedMessageFilterTest {
    private final AtomicLong now = new AtomicLong(1_000_000);

    @Test
    void givenOneLineRepeatedAThousandTimes_onlyTheAllowedFewAreLogged() {
        ListAppender<ILoggingEvent> appender = filteredListAppender(new LoggerContext());
        Logger log = ((LoggerContext) appender.getContext()).getLogger("flood");
        for (int i = 0; i < 1_000; i++) {
            log.warn("refused upgrade from {}", "address " + i);
        }

        assertThat(appender.list).hasSize(3);
    }

    @Test
    void givenDifferentLines_eachHasItsOwnAllowance_andDebugIsNeverDropped() {
        ListAppender<ILoggingEvent> appender = filteredListAppender(new LoggerContext());
        Logger log = ((LoggerContext) appender.getContext()).getLogger("flood");
        log.setLevel(Level.DEBUG);
        for (int i = 0; i < 10; i++) {
            log.warn("first kind {}", i);
            log.info("second kind {}", i);
            log.debug("detail {}", i);
        }

        assertThat(appender.list).hasSize(3 + 3 + 10);
    }

    /** The shipped configuration: bounded, says what it dropped, and costs a level check nothing. */
    @Test
    void givenTheShippedConfiguration_aFloodIsCutToTen_theDroppedAreCounted_andNoTurboFilterSlowsLevelChecks()
            throws JoranException {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(RepeatedMessageFilterTest.class.getResource("/logback.xml"));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        for (String name : List.of("STDOUT", "DROPPED_LINES")) {
            OutputStreamAppender<ILoggingEvent> appender = (OutputStreamAppender<ILoggingEvent>) context.getLogger(
                            name.equals("STDOUT") ? Logger.ROOT_LOGGER_NAME : RepeatedMessageFilter.SUMMARY_LOGGER)
                    .getAppender(name);
            appender.setOutputStream(console);
            appender.getCopyOfAttachedFiltersList().stream()
                    .map(RepeatedMessageFilter.class::cast)
                    .forEach(filter -> filter.setClock(now::get));
        }
        Logger log = context.getLogger("dev.chat.transport.ws.HandshakeHandler");

        for (int i = 0; i < 1_000; i++) {
            log.warn("refused upgrade from {}", "address " + i);
        }
        now.addAndGet(10_000);
        log.warn("refused upgrade from {}", "the next window");

        List<String> lines = console.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(12);
        assertThat(lines.get(10))
                .contains("990 more lines like this were dropped: dev.chat.transport.ws.HandshakeHandler - refused"
                        + " upgrade from {}");
        assertThat(lines.get(11)).contains("refused upgrade from the next window");
        assertThat(context.getTurboFilterList())
                .as("logback asks turbo filters on every isDebugEnabled(), Jetty's per frame too")
                .isEmpty();
    }

    private ListAppender<ILoggingEvent> filteredListAppender(LoggerContext context) {
        RepeatedMessageFilter filter = new RepeatedMessageFilter();
        filter.setContext(context);
        filter.setAllowed(3);
        filter.setWindowMillis(60_000);
        filter.setClock(now::get);
        filter.start();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.setContext(context);
        appender.addFilter(filter);
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
        return appender;
    }
}
