package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;

class RepeatedMessageFilterTest {
    private final LoggerContext context = new LoggerContext();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final RepeatedMessageFilter filter = new RepeatedMessageFilter();

    RepeatedMessageFilterTest() {
        filter.setAllowed(3);
        filter.setWindowMillis(60_000);
        filter.start();
        context.addTurboFilter(filter);
        appender.setContext(context);
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
    }

    @Test
    void givenOneLineRepeatedAThousandTimes_onlyTheAllowedFewAreLogged() {
        Logger log = context.getLogger("flood");
        for (int i = 0; i < 1_000; i++) {
            log.warn("refused upgrade from {}", "address " + i);
        }

        assertThat(appender.list).hasSize(3);
    }

    @Test
    void givenDifferentLines_eachHasItsOwnAllowance_andDebugIsNeverDropped() {
        Logger log = context.getLogger("flood");
        log.setLevel(ch.qos.logback.classic.Level.DEBUG);
        for (int i = 0; i < 10; i++) {
            log.warn("first kind {}", i);
            log.info("second kind {}", i);
            log.debug("detail {}", i);
        }

        assertThat(appender.list).hasSize(3 + 3 + 10);
    }
}
