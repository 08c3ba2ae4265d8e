package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.app.support.ChatClient;
import dev.chat.app.support.ChatProcess;
import dev.chat.app.support.PollTestClient;
import dev.chat.app.support.RunningChat;
import dev.chat.app.support.SseTestClient;
import dev.chat.app.support.WsTestClient;
import dev.chat.store.redis.TestRedis;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

/** Three nodes in one JVM, each on its own port, sharing one Redis: they behave as one chat. */
class MultiNodeIT {
    private final ChatConfig nodeConfig =
            RunningChat.onTestRedis(RunningChat.withGrace(ChatConfig.defaults(0), Duration.ZERO)
                    // A dropped SSE stream shows at the next heartbeat, so heartbeat every second here.
                    .withConnections(new ChatConfig.Connections(
                            64 * 1024, 1024 * 1024, Duration.ofSeconds(1), Duration.ofSeconds(5)))
                    .withPolling(new ChatConfig.Polling(Duration.ofSeconds(2), Duration.ofSeconds(1))));
    private final RunningChat nodeA = RunningChat.start(nodeConfig);
    private final RunningChat nodeB = RunningChat.start(nodeConfig);
    private final RunningChat nodeC = RunningChat.start(nodeConfig);

    @AfterEach
    void stop() {
        Stream.of(nodeA, nodeB, nodeC).forEach(RunningChat::close);
    }

    @Test
    void givenUsersOnDifferentNodes_theySeeEachOtherArrive_chat_andLeave() {
        WsTestClient alice = nodeA.client();
        WsTestClient bob = nodeB.client();

        assertThat(bob.events("activeUsers").get(0).path("users").toString()).contains(alice.nickname());
        assertThat(alice.await("userConnected").path("user").textValue()).isEqualTo(bob.nickname());

        alice.sendMessage("general", "across nodes", "x");

        JsonNode atBob = bob.await("message");
        JsonNode atAlice = alice.await("message");
        assertThat(atBob.path("text").textValue()).isEqualTo("across nodes");
        assertThat(atBob.path("seq").longValue()).isEqualTo(atAlice.path("seq").longValue());

        bob.close();
        assertThat(alice.await("userDisconnected").path("user").textValue()).isEqualTo(bob.nickname());
    }

    @Test
    void givenTwoNodesWritingAtOnce_everyUserOnEveryNodeGetsTheSameMessagesInTheSameSeqOrder() {
        WsTestClient alice = nodeA.client();
        WsTestClient bob = nodeB.client();
        WsTestClient carol = nodeC.client();
        int each = 50;

        CompletableFuture.allOf(
                        CompletableFuture.runAsync(() ->
                                IntStream.range(0, each).forEach(i -> alice.sendMessage("general", "a" + i, "a" + i))),
                        CompletableFuture.runAsync(() ->
                                IntStream.range(0, each).forEach(i -> bob.sendMessage("general", "b" + i, "b" + i))))
                .join();

        List<List<String>> seen = Stream.of(alice, bob, carol)
                .map(client -> IntStream.range(0, 2 * each)
                        .mapToObj(i -> client.await("message"))
                        .peek(m -> assertThat(m.path("seq").longValue()).isPositive())
                        .map(m ->
                                m.path("seq").longValue() + ":" + m.path("text").textValue())
                        .toList())
                .toList();
        assertThat(seen.get(0)).hasSize(2 * each).doesNotHaveDuplicates();
        assertThat(seen.get(1)).isEqualTo(seen.get(0));
        assertThat(seen.get(2)).isEqualTo(seen.get(0));
        assertThat(seen.get(0).get(0)).startsWith("1:");
        assertThat(seen.get(0).get(2 * each - 1)).startsWith((2 * each) + ":");
    }

    @Test
    void givenANodeIsKilled_theOthersRemoveItsUsersWithinTheLease_announcingEachDepartureOnce() throws Exception {
        try (ChatProcess doomed = ChatProcess.start(Map.of(
                "CHAT_REDIS_URL", nodeConfig.store().redisUrl(),
                "CHAT_REDIS_NAMESPACE", nodeConfig.store().redisNamespace(),
                "CHAT_PRESENCE_LEASE_SECONDS", "1"))) {
            WsTestClient alice = nodeA.client();
            WsTestClient bob = doomed.clientWhenUp();
            String bobName = bob.nickname();
            alice.await(
                    "userConnected", data -> bobName.equals(data.path("user").textValue()));

            doomed.kill(); // SIGKILL: no goodbye, no cleanup

            assertThat(alice.await("userDisconnected").path("user").textValue()).isEqualTo(bobName);
            alice.sendMessage("general", "after the crash", "m");
            alice.await(
                    "message",
                    data -> "after the crash".equals(data.path("text").textValue()));
            assertThat(alice.events("userDisconnected")).hasSize(1);
        }
    }

    @Test
    void givenSessionMadeOnOneNode_itSendsThroughAnother() {
        WsTestClient alice = nodeA.client();
        SseTestClient bob = nodeB.sseClient();

        HttpResponse<String> sent = nodeC.sender().message(bob.session(), "general", "sent via node C", "c1");

        assertThat(sent.statusCode()).isEqualTo(200);
        assertThat(alice.await("message").path("user").textValue()).isEqualTo(bob.nickname());
        assertThat(bob.await("message").path("text").textValue()).isEqualTo("sent via node C");
    }

    @Test
    void givenManyUsersAcrossNodes_nicknamesAreUniqueClusterWide() {
        List<String> names = Stream.of(nodeA, nodeB, nodeC)
                .flatMap(node -> node.clients(30).stream())
                .map(WsTestClient::nickname)
                .toList();

        assertThat(names).hasSize(90).doesNotHaveDuplicates();
    }

    @Test
    void givenWebSocketSseAndPollingUsersOnDifferentNodes_theySeeEachOtherArrive_chatInOneOrder_andLeave() {
        WsTestClient ws = nodeA.client();
        SseTestClient sse = nodeB.sseClient();
        PollTestClient poll = RunningChat.pollClientAcross(List.of(nodeC, nodeA, nodeB));
        poll.keepPolling(1);
        WsTestClient writerOnC = nodeC.client();

        ws.await("userConnected", user(sse.nickname()));
        ws.await("userConnected", user(poll.nickname()));
        sse.await("userConnected", user(poll.nickname()));
        poll.await("userConnected", user(writerOnC.nickname()));

        int each = 20;
        CompletableFuture.allOf(
                        CompletableFuture.runAsync(() ->
                                IntStream.range(0, each).forEach(i -> ws.sendMessage("general", "a" + i, "a" + i))),
                        CompletableFuture.runAsync(() -> IntStream.range(0, each)
                                .forEach(i -> writerOnC.sendMessage("general", "c" + i, "c" + i))))
                .join();
        nodeA.sender().message(poll.session(), "general", "from the poller", "p");

        List<List<String>> seen = Stream.of(ws, sse, poll, writerOnC)
                .map(client -> IntStream.range(0, 2 * each + 1)
                        .mapToObj(i -> client.await("message"))
                        .map(m ->
                                m.path("seq").longValue() + ":" + m.path("text").textValue())
                        .toList())
                .toList();
        assertThat(seen.get(0)).hasSize(2 * each + 1).doesNotHaveDuplicates();
        assertThat(seen).allSatisfy(messages -> assertThat(messages).isEqualTo(seen.get(0)));
        assertThat(seen.get(0)).anyMatch(message -> message.endsWith(":from the poller"));

        sse.close();
        for (ChatClient client : List.of(ws, poll, writerOnC)) {
            client.await("userDisconnected", user(sse.nickname()));
        }
        poll.stopPolling();
        for (ChatClient client : List.of(ws, writerOnC)) {
            client.await("userDisconnected", user(poll.nickname()));
        }
        assertThat(poll.events("welcome")).hasSize(1); // every poll was served by the session's own node
    }

    @Test
    void givenANodesSubscriberConnectionIsKilledMidStream_itsClientsMissNothing() {
        WsTestClient alice = nodeA.client();
        WsTestClient bob = nodeB.client();
        alice.await("userConnected", user(bob.nickname()));
        int total = 100;

        try (Jedis admin = new Jedis(TestRedis.uri())) {
            for (int i = 1; i <= total; i++) {
                alice.sendMessage("general", "m" + i, "m" + i);
                if (i % 25 == 0) {
                    String ref = "m" + i;
                    alice.await("ack", data -> ref.equals(data.path("ref").textValue()));
                    admin.clientKill(ClientKillParams.clientKillParams().type(ClientType.PUBSUB));
                }
            }
        }

        List<String> atBob = IntStream.range(0, total)
                .mapToObj(i -> bob.await("message").path("text").textValue())
                .toList();
        assertThat(atBob)
                .containsExactlyElementsOf(
                        IntStream.rangeClosed(1, total).mapToObj(i -> "m" + i).toList());
        assertThat(bob.events("message")).hasSize(total);
    }

    private static Predicate<JsonNode> user(String nickname) {
        return data -> nickname.equals(data.path("user").textValue());
    }
}
