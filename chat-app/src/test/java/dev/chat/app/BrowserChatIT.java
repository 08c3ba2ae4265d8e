package dev.chat.app;

import static dev.chat.app.support.EventLog.awaiting;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.app.support.Browser;
import dev.chat.app.support.CuttableProxy;
import dev.chat.app.support.RunningChat;
import dev.chat.app.support.WsTestClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The chat page and chat-client.js in a real headless Chromium, against a real server. */
class BrowserChatIT {
    private final RunningChat chat = RunningChat.startDefault();
    private final List<Browser> browsers = new ArrayList<>();

    @AfterEach
    void stop() {
        browsers.forEach(Browser::close);
        chat.close();
    }

    @Test
    void givenTwoBrowsers_theySeeEachOthersPresenceAndChat() throws Exception {
        Browser alice = open("/");
        awaitConnected(alice, "websocket");
        Browser bob = open("/");
        awaitConnected(bob, "websocket");
        String aliceName = alice.text("nickname");
        String bobName = bob.text("nickname");

        awaiting().until(() -> alice.users().contains(bobName) && bob.users().contains(aliceName));
        bob.say("hello from bob's browser");

        awaiting().until(() -> alice.messageTexts().contains("hello from bob's browser"));
        assertThat(alice.systemLines()).contains(bobName + " joined");
        alice.screenshot(Path.of("target", "screenshots", "chat-page.png")); // kept as a build artifact
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "sse", "polling"})
    void givenForcedTransport_thePageChatsOverIt(String transport) {
        Browser page = open("/?transport=" + transport);
        awaitConnected(page, transport);
        WsTestClient other = chat.client();

        page.say("sent over " + transport);
        other.sendMessage("general", "reply to " + transport, "r");

        assertThat(other.await(
                        "message",
                        data -> ("sent over " + transport)
                                .equals(data.path("text").textValue())))
                .isNotNull();
        awaiting().until(() -> page.messageTexts().contains("reply to " + transport));
        assertThat(page.messageTexts()).containsOnlyOnce("sent over " + transport);
    }

    @Test
    void givenWebSocketThatNeverOpens_thePageFallsBackAndStillChats() {
        Browser page = track(Browser.blank());
        // As behind a proxy that swallows the upgrade: the socket neither opens nor fails.
        page.cdp(
                "Page.addScriptToEvaluateOnNewDocument",
                Map.of(
                        "source",
                        "window.WebSocket = function StalledWebSocket() { this.send = function () {};"
                                + " this.close = function () {}; };"));
        page.go(chat.httpUri("/").toString());

        awaitConnected(page, "sse");
        page.say("no websocket needed");

        WsTestClient other = chat.client();
        other.sendMessage("general", "heard you", "h");
        awaiting().until(() -> page.messageTexts().containsAll(List.of("no websocket needed", "heard you")));
    }

    @Test
    void givenMarkupInAMessage_itIsShownAsText() {
        Browser page = open("/");
        awaitConnected(page, "websocket");
        String markup = "<img src=x onerror=\"document.title='owned'\"> <b>bold?</b>";

        chat.client().sendMessage("general", markup, "x");

        awaiting().until(() -> page.messageTexts().contains(markup));
        assertThat(page.count("#messages img")).isZero();
        assertThat(page.count("#messages b")).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"websocket", "sse", "polling"})
    void givenTheConnectionIsCut_thePageResumesAndShowsWhatWasSentMeanwhileExactlyOnce(String transport)
            throws Exception {
        try (CuttableProxy proxy = new CuttableProxy(chat.chatUri().getPort())) {
            Browser page = track(Browser.open("http://127.0.0.1:" + proxy.port() + "/?transport=" + transport));
            awaitConnected(page, transport);
            String nickname = page.text("nickname");
            WsTestClient other = chat.client();
            other.sendMessage("general", "before the cut", "b");
            awaiting().until(() -> page.messageTexts().contains("before the cut"));

            proxy.cutAll();
            page.say("typed during the cut"); // kept in the outbox, resent after the resume, posted once
            other.sendMessage("general", "while cut 1", "w1");
            other.sendMessage("general", "while cut 2", "w2");

            awaiting().until(() -> page.messageTexts().containsAll(List.of("while cut 2", "typed during the cut")));
            assertThat(page.messageTexts())
                    .containsOnlyOnce("before the cut", "while cut 1", "while cut 2", "typed during the cut")
                    .startsWith("before the cut");
            assertThat(other.await(
                            "message",
                            data -> "typed during the cut"
                                    .equals(data.path("text").textValue())))
                    .isNotNull();
            assertThat(other.events("message"))
                    .filteredOn(data ->
                            "typed during the cut".equals(data.path("text").textValue()))
                    .hasSize(1);
            assertThat(page.text("nickname")).isEqualTo(nickname);
            assertThat(other.events("userDisconnected")).isEmpty();
            page.say("after the cut");
            assertThat(other.await(
                            "message",
                            data -> "after the cut".equals(data.path("text").textValue())))
                    .isNotNull();
        }
    }

    @Test
    void givenJoiningARoomWithHistory_itsRecentMessagesAppear_andLeavingTellsTheOthers() {
        WsTestClient other = chat.client();
        other.join("dev");
        other.await("activeUsers", data -> "dev".equals(data.path("room").textValue()));
        other.sendMessage("dev", "earlier in dev", "e");
        other.await("ack", data -> "e".equals(data.path("ref").textValue()));
        Browser page = open("/");
        awaitConnected(page, "websocket");

        page.joinRoom("dev");

        awaiting().until(() -> page.messageTexts().contains("earlier in dev"));
        awaiting().until(() -> page.users().contains(other.nickname()));
        page.leaveRoom("dev");
        assertThat(other.await(
                                "userDisconnected",
                                data -> "dev".equals(data.path("room").textValue()))
                        .path("user")
                        .textValue())
                .isEqualTo(page.text("nickname"));
    }

    @Test
    void givenPhoneSizedWindow_theComposerAndMessagesUseTheWidth() throws Exception {
        Browser page = open("/");
        awaitConnected(page, "websocket");

        page.resize(390, 800);

        assertThat(page.widthOf("text")).isGreaterThan(250);
        assertThat(page.widthOf("messages")).isGreaterThan(350);
        assertThat(page.users()).contains(page.text("nickname")); // the online list stays visible
        page.screenshot(Path.of("target", "screenshots", "chat-page-phone.png"));
    }

    private Browser open(String path) {
        return track(Browser.open(chat.httpUri(path).toString()));
    }

    private Browser track(Browser browser) {
        browsers.add(browser);
        return browser;
    }

    private static void awaitConnected(Browser page, String transport) {
        awaiting()
                .until(() ->
                        "connected".equals(page.bodyData("state")) && transport.equals(page.bodyData("transport")));
    }
}
