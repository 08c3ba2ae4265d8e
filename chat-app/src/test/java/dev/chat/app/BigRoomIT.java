package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.app.support.ChatClient;
import dev.chat.app.support.EventLog;
import dev.chat.app.support.RunningChat;
import dev.chat.app.support.SseTestClient;
import dev.chat.app.support.WsTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A room above the member list limit (5 here), over real sockets on two nodes sharing Redis: snapshots list the first
 * members and the true count, and pages asked for over WebSocket or POST /chat/send list everyone once.
 */
class BigRoomIT {
    private static final int LIMIT = 5;

    private final ChatConfig config = RunningChat.onTestRedis(ChatConfig.defaults(0))
            .withPresence(new ChatConfig.Presence(LIMIT, Duration.ofMillis(200)));
    private final RunningChat nodeA = RunningChat.start(config);
    private final RunningChat nodeB = RunningChat.start(config);

    @AfterEach
    void stop() {
        Stream.of(nodeA, nodeB).forEach(RunningChat::close);
    }

    private static List<String> users(JsonNode data) {
        return StreamSupport.stream(data.path("users").spliterator(), false)
                .map(JsonNode::textValue)
                .toList();
    }

    @Test
    void givenARoomOverTheLimit_aJoinerGetsTheFirstMembersAndTheCount_andPagesListEveryoneOnceOnAnyNode() {
        List<ChatClient> members = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            members.add((i % 2 == 0 ? nodeA : nodeB).client());
        }
        List<String> everyone =
                new ArrayList<>(members.stream().map(ChatClient::nickname).toList());

        WsTestClient joiner = nodeB.client();
        everyone.add(joiner.nickname());
        everyone.sort(null);
        JsonNode snapshot = joiner.await("activeUsers");

        assertThat(snapshot.path("count").intValue()).isEqualTo(9);
        assertThat(snapshot.path("complete").booleanValue()).isFalse();
        assertThat(users(snapshot)).containsExactlyElementsOf(everyone.subList(0, LIMIT));

        List<String> paged = new ArrayList<>();
        String after = null;
        for (int page = 0; page < 10; page++) {
            Map<String, Object> data = after == null
                    ? Map.of("room", "general", "limit", 4, "ref", "p" + page)
                    : Map.of("room", "general", "limit", 4, "after", after, "ref", "p" + page);
            joiner.sendJson(Map.of("event", "members", "data", data));
            String ref = "p" + page;
            JsonNode answer =
                    joiner.await("members", d -> ref.equals(d.path("ref").textValue()));
            paged.addAll(users(answer));
            if (!answer.hasNonNull("next")) {
                break;
            }
            after = answer.path("next").textValue();
        }
        assertThat(paged).containsExactlyElementsOf(everyone);
    }

    @Test
    void givenARoomGrowingPastTheLimitOnTwoNodes_membersOnBothGetCoalescedFrames_whoseCountConverges() {
        WsTestClient watcherOnA = nodeA.client();
        WsTestClient watcherOnB = nodeB.client();
        List<WsTestClient> others = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            others.add((i % 2 == 0 ? nodeA : nodeB).client());
        }
        int everyone = 12;

        for (WsTestClient watcher : List.of(watcherOnA, watcherOnB)) {
            EventLog.awaiting().until(() -> latestCount(watcher) == everyone);
            // Arrivals up to the limit were told one by one, the rest only in frames.
            assertThat(watcher.events("userConnected").size()).isLessThanOrEqualTo(LIMIT);
            assertThat(watcher.events("presence"))
                    .allSatisfy(frame -> assertThat(frame.path("joined").size()).isLessThanOrEqualTo(30));
        }

        others.subList(0, 4).forEach(client -> client.closeWith(1000));
        for (WsTestClient watcher : List.of(watcherOnA, watcherOnB)) {
            EventLog.awaiting().until(() -> latestCount(watcher) == everyone - 4);
        }
    }

    /** The count of the client's latest presence frame, or -1 before any. */
    private static int latestCount(WsTestClient client) {
        List<JsonNode> frames = client.events("presence");
        return frames.isEmpty()
                ? -1
                : frames.get(frames.size() - 1).path("count").intValue();
    }

    @Test
    void givenAnSseClient_itsPagesComeOnItsStream_andOnlyMembersMayAsk() {
        for (int i = 0; i < 6; i++) {
            nodeA.client();
        }
        SseTestClient sse = nodeA.sseClient();
        assertThat(sse.await("activeUsers").path("complete").booleanValue()).isFalse();

        var accepted = nodeB.sender()
                .post(
                        sse.session(),
                        "{\"event\":\"members\",\"data\":{\"room\":\"general\",\"limit\":1000,\"ref\":\"all\"}}");
        var refused = nodeB.sender()
                .post(sse.session(), "{\"event\":\"members\",\"data\":{\"room\":\"other\",\"ref\":\"x\"}}");

        assertThat(accepted.statusCode()).isEqualTo(200); // relayed to node A, which sends the page on the stream
        assertThat(users(sse.await("members", d -> "all".equals(d.path("ref").textValue()))))
                .hasSize(7);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("\"code\":\"not_in_room\"");
    }
}
