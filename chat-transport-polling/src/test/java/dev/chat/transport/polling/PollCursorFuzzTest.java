package dev.chat.transport.polling;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.chat.domain.model.Cursor;
import java.nio.charset.StandardCharsets;

/**
 * A cursor comes from the client (a poll's {@code cursor}, a resume's {@code cursor}, inside SSE's
 * {@code Last-Event-ID}): any text parses to one that prints back the same, or to nothing (the client then resumes
 * from snapshots); never an exception.
 */
class PollCursorFuzzTest {
    @FuzzTest(maxDuration = "2m")
    void anyPollCursorParsesOrIsIgnored(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        PollCursor.parse(text)
                .ifPresent(cursor -> assertThat(PollCursor.parse(cursor.text())).hasValue(cursor));
    }

    @FuzzTest(maxDuration = "2m")
    void anyRoomCursorParsesOrIsIgnored(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        Cursor.parse(text)
                .ifPresent(cursor -> assertThat(Cursor.parse(cursor.text())).hasValue(cursor));
    }
}
