package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.app.support.ChatProcess;
import dev.chat.app.support.EventLog;
import dev.chat.app.support.PollTestClient;
import dev.chat.app.support.RunningChat;
import dev.chat.app.support.SseTestClient;
import dev.chat.app.support.WsTestClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A session is not tied to the node that made it: it resumes on any node, its polls and commands may land anywhere,
 * and it survives the loss of its node. Three nodes in one JVM on one Redis, with a reconnect grace.
 */
class CrossNodeSessionIT {
    private static final Duration GRACE = Duration.ofSeconds(5);

    private final ChatConfig nodeConfig = RunningChat.onTestRedis(RunningChat.withGrace(ChatConfig.defaults(0), GRACE)
            .withPolling(new ChatConfig.Polling(Duration.ofSeconds(2), Duration.ofSeconds(1))));
    private final RunningChat nodeA = RunningChat.start(nodeConfig);
    private final RunningChat nodeB = RunningChat.start(nodeConfig);
    private final RunningChat nodeC = RunningChat.start(nodeConfig);

    @AfterEach
    void stop() {
        Stream.of(nodeA, nodeB, nodeC).forEach(RunningChat::close);
    }

    @Test
    void givenClientResumesOnAnotherNode_itKeepsItsName_getsWhatItMissedOnce_andNobodySeesItLeave() {
        WsTestClient alice = nodeA.client();
        WsTestClient bob = nodeB.client();
        String cursor = alice.generalCursor();
        alice.drop(); // lost, not left: it keeps its grace

        for (int i = 1; i <= 3; i++) {
            bob.sendMessage("general", "missed " + i, "m" + i);
        }
        bob.await("ack", ref("m3"));
        WsTestClient aliceOnC = nodeC.resumingClient(alice.session(), cursor).awaitJoined();
        bob.sendMessage("general", "live", "live");

        assertThat(aliceOnC.welcome().path("user").textValue()).isEqualTo(alice.nickname());
        assertThat(aliceOnC.welcome().path("resumed").booleanValue()).isTrue();
        assertThat(texts(aliceOnC, 4)).containsExactly("missed 1", "missed 2", "missed 3", "live");
        assertThat(aliceOnC.events("notRecovered")).isEmpty();
        await().atMost(EventLog.TIMEOUT).until(() -> nodeA.localSessions() == 0); // node A let go of her
        assertThat(nodeC.localSessions()).isEqualTo(1);
        assertThat(bob.events("userDisconnected")).isEmpty();
    }

    @Test
    void givenResumeOnAnotherNodeWhileTheOldConnectionIsOpen_theOldOneIsClosedAsTakenOver() {
        WsTestClient alice = nodeA.client();

        WsTestClient aliceOnB =
                nodeB.resumingClient(alice.session(), alice.generalCursor()).awaitJoined();

        assertThat(alice.awaitCloseCode()).isEqualTo(4009);
        assertThat(aliceOnB.welcome().path("user").textValue()).isEqualTo(alice.nickname());
    }

    @Test
    void givenEveryPollLandsOnTheNextNode_thePollerGetsEveryEventOnce_inOrder_withoutEverResuming() {
        WsTestClient bob = nodeB.client();
        PollTestClient poller =
                RunningChat.pollClientAcross(List.of(nodeA, nodeB, nodeC)).keepPolling(1);
        bob.await("userConnected", user(poller.nickname()));

        WsTestClient carol = nodeC.client();
        for (int i = 1; i <= 30; i++) {
            bob.sendMessage("general", "m" + i, "m" + i);
        }
        poller.await("message", data -> "m30".equals(data.path("text").textValue()));
        carol.close();

        assertThat(poller.await("userConnected").path("user").textValue()).isEqualTo(carol.nickname());
        assertThat(poller.await("userDisconnected").path("user").textValue()).isEqualTo(carol.nickname());
        assertThat(poller.events("message"))
                .extracting(m -> m.path("text").textValue())
                .containsExactlyElementsOf(
                        IntStream.rangeClosed(1, 30).mapToObj(i -> "m" + i).toList());
        assertThat(poller.events("welcome")).hasSize(1);
        assertThat(poller.events("activeUsers")).hasSize(1);
        assertThat(poller.events("userConnected")).hasSize(1);
    }

    @Test
    void givenSseSessionOnOneNode_itJoinsAndLeavesRoomsThroughTheOthers() {
        SseTestClient alice = nodeA.sseClient();
        WsTestClient bob = nodeC.client();
        bob.join("dev");
        bob.await("activeUsers", room("dev"));

        HttpResponse<String> joined = nodeB.sender().post(alice.session(), command("join", "dev", "j1"));
        alice.await("activeUsers", room("dev"));
        bob.sendJson(Map.of("event", "message", "data", Map.of("room", "dev", "text", "in dev")));
        alice.await("message", data -> "in dev".equals(data.path("text").textValue()));
        HttpResponse<String> notMember = nodeB.sender().post(alice.session(), command("leave", "nope", "l0"));
        HttpResponse<String> left = nodeC.sender().post(alice.session(), command("leave", "dev", "l1"));
        bob.await("userDisconnected", room("dev"));
        bob.sendJson(Map.of("event", "message", "data", Map.of("room", "dev", "text", "after she left")));
        bob.sendMessage("general", "in general", "g");

        assertThat(joined.statusCode()).isEqualTo(200);
        assertThat(joined.body()).contains("\"ref\":\"j1\"", "\"room\":\"dev\"");
        assertThat(bob.await("userConnected", room("dev")).path("user").textValue())
                .isEqualTo(alice.nickname());
        assertThat(notMember.statusCode()).isEqualTo(400);
        assertThat(notMember.body()).contains("\"code\":\"not_in_room\"", "\"ref\":\"l0\"");
        assertThat(left.statusCode()).isEqualTo(200);
        alice.await("message", data -> "in general".equals(data.path("text").textValue()));
        assertThat(alice.events("message"))
                .extracting(m -> m.path("text").textValue())
                .containsExactly("in dev", "in general");
    }

    @Test
    void givenASendRetriedThroughAnotherNode_itIsPostedOnce_andBothAnswersCarryTheSameSeq() {
        SseTestClient alice = nodeA.sseClient();
        WsTestClient bob = nodeB.client();

        HttpResponse<String> first = nodeB.sender().message(alice.session(), "general", "once", "r1");
        HttpResponse<String> retry = nodeC.sender().message(alice.session(), "general", "once", "r1");
        bob.sendMessage("general", "after", "b");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(texts(bob, 2)).containsExactly("once", "after");
    }

    @Test
    void givenTheNodeServingAClientIsKilled_theClientResumesOnAnother_withNothingLost_andNoFlap() throws Exception {
        try (ChatProcess doomed = ChatProcess.start(Map.of(
                "CHAT_REDIS_URL", nodeConfig.store().redisUrl(),
                "CHAT_REDIS_NAMESPACE", nodeConfig.store().redisNamespace(),
                // long enough that her member entry outlives the node until she resumes: no departure, no arrival
                "CHAT_PRESENCE_LEASE_SECONDS", "5",
                "CHAT_RECONNECT_GRACE_SECONDS", Long.toString(GRACE.toSeconds())))) {
            WsTestClient alice = doomed.clientWhenUp();
            WsTestClient bob = nodeA.client();
            bob.sendMessage("general", "before", "b1");
            alice.await("message", data -> "before".equals(data.path("text").textValue()));
            String cursor = alice.generalCursor();

            doomed.kill();
            bob.sendMessage("general", "while she was away", "b2");
            bob.await("ack", ref("b2"));
            WsTestClient aliceOnB =
                    nodeB.resumingClient(alice.session(), cursor).awaitJoined();
            bob.sendMessage("general", "welcome back", "b3");

            assertThat(aliceOnB.welcome().path("user").textValue()).isEqualTo(alice.nickname());
            assertThat(texts(aliceOnB, 2)).containsExactly("while she was away", "welcome back");
            assertThat(aliceOnB.events("notRecovered")).isEmpty();
            assertThat(bob.events("userDisconnected")).isEmpty();
        }
    }

    private static List<String> texts(WsTestClient client, int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> client.await("message").path("text").textValue())
                .toList();
    }

    private static String command(String event, String room, String ref) {
        return "{\"event\":\"" + event + "\",\"data\":{\"room\":\"" + room + "\",\"ref\":\"" + ref + "\"}}";
    }

    private static Predicate<JsonNode> user(String nickname) {
        return data -> nickname.equals(data.path("user").textValue());
    }

    private static Predicate<JsonNode> room(String name) {
        return data -> name.equals(data.path("room").textValue());
    }

    private static Predicate<JsonNode> ref(String value) {
        return data -> value.equals(data.path("ref").textValue());
    }
}
