package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.app.support.HttpSender;
import dev.chat.app.support.PollTestClient;
import dev.chat.app.support.RunningChat;
import dev.chat.app.support.WsTestClient;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The chat over HTTP long-polling, with a real server and real HTTP clients. */
class PollingIT {
    private final RunningChat chat = RunningChat.start(RunningChat.withGrace(ChatConfig.defaults(0), Duration.ZERO)
            .withPolling(new ChatConfig.Polling(Duration.ofSeconds(5), Duration.ofSeconds(1))));
    private final HttpSender sender = chat.sender();

    @AfterEach
    void stop() {
        chat.close();
    }

    @Test
    void givenFirstPoll_itCreatesASession_andAnswersAtOnceWithWelcomeAndMembers() {
        PollTestClient bob = chat.pollClient();

        assertThat(bob.welcome().path("resumed").booleanValue()).isFalse();
        assertThat(bob.events("activeUsers").get(0).path("users").toString()).contains(bob.nickname());
        assertThat(bob.cursor()).isNotBlank();
    }

    @Test
    void givenHeldPoll_itReturnsAsSoonAsAMessageArrives() throws Exception {
        PollTestClient bob = chat.pollClient();
        CompletableFuture<HttpResponse<String>> held = bob.poll(30);

        sender.message(bob.session(), "general", "wake up", "w");

        HttpResponse<String> answer = held.get(10, TimeUnit.SECONDS); // far sooner than the 5 s cap it asked for
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(bob.await("message").path("text").textValue()).isEqualTo("wake up");
    }

    @Test
    void givenNothingHappens_thePollReturnsEmptyAfterItsTimeout_withTheSameCursor() {
        PollTestClient bob = chat.pollClient();
        String before = bob.cursor();

        HttpResponse<String> answer = bob.poll(1).join();

        assertThat(answer.body()).startsWith("{\"events\":[]");
        assertThat(bob.cursor()).isEqualTo(before);
    }

    @Test
    void givenAnOlderCursor_thePollReturnsExactlyWhatCameAfterIt() {
        PollTestClient bob = chat.pollClient();
        String older = bob.cursor();
        sender.message(bob.session(), "general", "one", "1");
        sender.message(bob.session(), "general", "two", "2");
        String firstAnswer = bob.poll(0).join().body();

        String again = bob.pollWith(older, 0).join().body();

        assertThat(again).isEqualTo(firstAnswer).contains("\"one\"").contains("\"two\"");
    }

    @Test
    void givenAPollOvertakenByTheClientsLaterPolls_itIsAnsweredAsThingsStand_andTheHeldPollIsLeftAlone()
            throws Exception {
        PollTestClient bob = chat.pollClient();
        String overtaken = bob.cursor();
        sender.message(bob.session(), "general", "one", "1");
        assertThat(bob.poll(5).join().body()).contains("\"one\"");
        bob.poll(0).join(); // acknowledges "one"
        CompletableFuture<HttpResponse<String>> held = bob.poll(30);

        HttpResponse<String> late = copyOfPoll(bob, overtaken, 30);

        assertAnsweredLeavingTheHeldPollAlone(late, held, bob);
        assertThat(bob.log().data("welcome")).hasSize(1);
    }

    /**
     * A rolling deploy: the poll that moved the session here (naming the old node's feed) reached a stopping node
     * first, which passed it on and then answered 503, so the balancer retried it here. A copy the stopping node
     * passed on arriving after that must not resume the session a second time (closing the client's poll).
     */
    @Test
    void givenALateCopyOfThePollThatResumedTheSessionHere_itTakesNothingOver() throws Exception {
        PollTestClient bob = chat.pollClient();
        String moved = "elsewhere~7~" + bob.cursor().split("~", 3)[2];
        bob.pollWith(moved, 0).join(); // resumed here: a new feed
        String resumedFeed = bob.cursor().split("~", 2)[0];
        bob.poll(0).join();
        CompletableFuture<HttpResponse<String>> held = bob.poll(30);

        HttpResponse<String> late = copyOfPoll(bob, moved, 30);

        assertThat(late.body()).contains("\"cursor\":\"" + resumedFeed + "~");
        assertAnsweredLeavingTheHeldPollAlone(late, held, bob);
        assertThat(bob.log().data("welcome")).hasSize(2);
    }

    @Test
    void givenTheAnswerThatResumedTheSessionWasLost_askingAgainGetsTheSameFeedFromItsStart() throws Exception {
        PollTestClient bob = chat.pollClient();
        String moved = "elsewhere~7~" + bob.cursor().split("~", 3)[2];
        HttpResponse<String> first = copyOfPoll(bob, moved, 0);

        HttpResponse<String> again = copyOfPoll(bob, moved, 0);

        assertThat(again.body()).isEqualTo(first.body()).contains("\"resumed\":true");
    }

    @Test
    void givenAClientStartingOverTwice_eachStartGetsAFreshFeedAndWelcome() {
        PollTestClient bob = chat.pollClient();
        String startOver = "resume~0~" + bob.cursor().split("~", 3)[2];
        bob.pollWith(startOver, 0).join();
        String firstFeed = bob.cursor().split("~", 2)[0];

        bob.pollWith(startOver, 0).join(); // a page reload

        assertThat(bob.cursor()).doesNotStartWith(firstFeed + "~");
        assertThat(bob.log().data("welcome")).hasSize(3);
    }

    @Test
    void givenCursorOfAFeedThisNodeDoesNotHave_thePollResumesFromHistory() {
        WsTestClient alice = chat.client();
        PollTestClient bob = chat.pollClient();
        alice.sendMessage("general", "seen", "s");
        bob.poll(0).join();
        String positions = bob.cursor().split("~", 3)[2];
        alice.sendMessage("general", "missed", "m");
        alice.await("ack", data -> "m".equals(data.path("ref").textValue()));

        bob.pollWith("elsewhere~7~" + positions, 0).join();

        assertThat(bob.log().data("welcome")).hasSize(2);
        assertThat(bob.log().data("welcome").get(1).path("resumed").booleanValue())
                .isTrue();
        assertThat(bob.events("message"))
                .extracting(m -> m.path("text").textValue())
                .containsExactly("seen", "missed");
    }

    @Test
    void givenUnknownSessionOrBadTimeout_thePollIsRefused() throws Exception {
        HttpResponse<String> unknown =
                PollTestClient.get(chat.httpUri("/chat/poll?session=AAAAAAAAAAAAAAAAAAAAAA&cursor=x"));
        PollTestClient bob = chat.pollClient();
        HttpResponse<String> badTimeout =
                PollTestClient.get(chat.httpUri("/chat/poll?session=" + bob.session() + "&timeout=soon"));

        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(unknown.body()).contains("\"code\":\"unauthorized\"");
        assertThat(badTimeout.statusCode()).isEqualTo(400);
        assertThat(badTimeout.body()).contains("\"code\":\"invalid_field\"");
    }

    @Test
    void givenPollerStops_theRoomIsToldItLeft_afterTheTimeoutAndMargin() {
        WsTestClient alice = chat.client();
        PollTestClient bob = chat.pollClient();
        alice.await("userConnected");

        // No more polls: its last poll asked for no wait, so after the 1 s margin (and zero grace) bob is gone.
        assertThat(alice.await("userDisconnected").path("user").textValue()).isEqualTo(bob.nickname());
    }

    /** A poll the client's library did not make (a copy or a retry of an earlier one): not in its log or cursor. */
    private HttpResponse<String> copyOfPoll(PollTestClient client, String cursor, int timeoutSeconds) throws Exception {
        return PollTestClient.get(chat.httpUri("/chat/poll?session=" + client.session() + "&timeout=" + timeoutSeconds
                + "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
    }

    /** The copy got an answer of its own, and the client's held poll stays open and gets the next message. */
    private void assertAnsweredLeavingTheHeldPollAlone(
            HttpResponse<String> copy, CompletableFuture<HttpResponse<String>> held, PollTestClient client)
            throws Exception {
        assertThat(copy.statusCode()).isEqualTo(200);
        assertThat(copy.body()).doesNotContain("\"closed\"").doesNotContain("welcome");
        assertThat(held).isNotDone();
        sender.message(client.session(), "general", "next", "n");
        assertThat(held.get(10, TimeUnit.SECONDS).body()).contains("\"next\"").doesNotContain("\"closed\"");
    }
}
