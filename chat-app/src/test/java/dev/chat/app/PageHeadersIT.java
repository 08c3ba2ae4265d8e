package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.app.support.RunningChat;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The page and its files come with a policy that allows only what the page uses (BrowserChatIT runs under it). */
class PageHeadersIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final RunningChat chat = RunningChat.startDefault();

    @AfterEach
    void stop() {
        chat.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/index.html", "/app.js", "/chat-client.js", "/app.css"})
    void givenPageOrItsFiles_theyAreServedWithCspNosniffAndReferrerPolicy(String path) throws Exception {
        HttpResponse<String> page =
                HTTP.send(HttpRequest.newBuilder(chat.httpUri(path)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(policy -> assertThat(policy)
                        .contains("default-src 'none'")
                        .contains("script-src 'self'")
                        .contains("connect-src 'self'")
                        .contains("frame-ancestors 'none'")
                        .doesNotContain("unsafe-inline")
                        .doesNotContain("unsafe-eval"));
        assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    }

    @Test
    void givenPage_itHasNoInlineScriptOrStyleThePolicyWouldBlock() throws Exception {
        String html = HTTP.send(HttpRequest.newBuilder(chat.httpUri("/")).build(), HttpResponse.BodyHandlers.ofString())
                .body();

        assertThat(html)
                .doesNotContainPattern("<script(?![^>]*\\bsrc=)")
                .doesNotContain("<style")
                .doesNotContain(" style=");
    }
}
