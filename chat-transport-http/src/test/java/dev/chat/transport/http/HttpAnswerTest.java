package dev.chat.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.RateLimitedException;
import dev.chat.protocol.JsonEventEncoder;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class HttpAnswerTest {
    private final JsonEventEncoder encoder = new JsonEventEncoder();

    @Test
    void givenAnswer_itsTextCrossesToAnotherNodeAndBackUnchanged() {
        HttpAnswer answer = HttpAnswer.ok("{\"events\":[],\"cursor\":\"a b\"}");

        assertThat(HttpAnswer.parse(answer.text())).isEqualTo(answer);
    }

    @Test
    void givenTextThatIsNoAnswer_parsingIsRefused() {
        assertThatThrownBy(() -> HttpAnswer.parse("{}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpAnswer.parse("abc {}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpAnswer.parse("999 {}")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void givenRefusal_itIsTheErrorDataWithItsStatus() {
        HttpAnswer answer = HttpAnswer.refusal(new ChatException(ErrorCode.UNAVAILABLE, "try again"), "r1", encoder);

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.body()).isEqualTo("{\"code\":\"unavailable\",\"message\":\"try again\",\"ref\":\"r1\"}");
    }

    @Test
    void givenFailedAnswer_theRefusalInsideIsUnwrapped_andAnythingElseIsInternal() {
        HttpAnswer refused = HttpAnswer.ofFailure(
                new CompletionException(new ChatException(ErrorCode.NOT_IN_ROOM, "no")), "r2", encoder);
        HttpAnswer broken = HttpAnswer.ofFailure(new IllegalStateException("bug"), null, encoder);

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("\"code\":\"not_in_room\"", "\"ref\":\"r2\"");
        assertThat(broken.status()).isEqualTo(500);
        assertThat(broken.body()).contains("\"code\":\"internal\"");
    }

    @Test
    void givenEachRefusal_itsStatusSaysWhatKind() {
        assertThat(statusOf(ErrorCode.UNAUTHORIZED)).isEqualTo(401);
        assertThat(statusOf(ErrorCode.FORBIDDEN)).isEqualTo(403);
        assertThat(statusOf(ErrorCode.TOO_LARGE)).isEqualTo(413);
        assertThat(statusOf(ErrorCode.INVALID_FIELD)).isEqualTo(400);
    }

    @Test
    void givenARateLimitedCommand_itIs429_withRetryAfterInWholeSeconds_alsoAfterCrossingNodes() {
        HttpAnswer answer = HttpAnswer.refusal(
                new RateLimitedException("slow down", Duration.ofMillis(1_200), false), "r3", encoder);

        assertThat(answer.status()).isEqualTo(429);
        assertThat(answer.retryAfter()).isEqualTo("2");
        assertThat(answer.body()).contains("\"retryAfterMs\":1200");
        assertThat(HttpAnswer.parse(answer.text()).retryAfter()).isEqualTo("2");
    }

    private int statusOf(ErrorCode code) {
        return HttpAnswer.refusal(new ChatException(code, "x"), null, encoder).status();
    }
}
