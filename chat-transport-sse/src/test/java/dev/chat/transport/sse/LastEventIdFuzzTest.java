package dev.chat.transport.sse;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.Cursor;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.SessionToken;
import java.nio.charset.StandardCharsets;

/**
 * {@code Last-Event-ID} is whatever the client sends back: it splits into a session and a cursor the stream resumes
 * with, a session refused as unauthorized (401), or nothing (a new session); never another exception.
 */
class LastEventIdFuzzTest {
    @FuzzTest(maxDuration = "2m")
    void anyLastEventIdResumesOrIsRefused(byte[] input) {
        String lastEventId = new String(input, StandardCharsets.UTF_8);
        SseConnection.splitEventId(lastEventId).ifPresent(parts -> {
            assertThat(parts).hasSize(2);
            try {
                assertThat(new SessionToken(parts[0]).value()).isEqualTo(parts[0]);
            } catch (ChatException refused) {
                assertThat(refused.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
            }
            Cursor.parse(parts[1]).ifPresent(cursor -> assertThat(cursor.text()).isNotEmpty());
        });
    }
}
