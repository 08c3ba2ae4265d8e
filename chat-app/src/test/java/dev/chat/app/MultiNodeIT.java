package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.app.support.RunningChat;
import dev.chat.app.support.SseTestClient;
import dev.chat.app.support.WsTestClient;
import dev.chat.store.redis.TestRedis;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Three nodes in one JVM, each on its own port, sharing one Redis: they behave as one chat. */
class MultiNodeIT {
    private final ChatConfig nodeConfig = RunningChat.withGrace(ChatConfig.defaults(0), Duration.ZERO)
            .withStore(new ChatConfig.Store(
                    TestRedis.uri().toString(),
                    "it-" + UUID.randomUUID(),
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(5)));
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
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        Path.of("target", "chat-app.jar").toString())
                .redirectErrorStream(true)
                .redirectOutput(File.createTempFile("chat-node", ".log"));
        builder.environment().put("CHAT_PORT", Integer.toString(port));
        builder.environment().put("CHAT_HOST", "127.0.0.1");
        builder.environment().put("CHAT_REDIS_URL", nodeConfig.store().redisUrl());
        builder.environment().put("CHAT_REDIS_NAMESPACE", nodeConfig.store().redisNamespace());
        builder.environment().put("CHAT_PRESENCE_LEASE_SECONDS", "1");
        Process doomed = builder.start();
        try {
            WsTestClient alice = nodeA.client();
            WsTestClient bob = connectWhenUp(URI.create("ws://127.0.0.1:" + port + "/chat"));
            String bobName = bob.nickname();
            alice.await(
                    "userConnected", data -> bobName.equals(data.path("user").textValue()));

            doomed.destroyForcibly(); // SIGKILL: no goodbye, no cleanup

            assertThat(alice.await("userDisconnected").path("user").textValue()).isEqualTo(bobName);
            alice.sendMessage("general", "after the crash", "m");
            alice.await(
                    "message",
                    data -> "after the crash".equals(data.path("text").textValue()));
            assertThat(alice.events("userDisconnected")).hasSize(1);
        } finally {
            doomed.destroyForcibly();
        }
    }

    private static WsTestClient connectWhenUp(URI uri) {
        WsTestClient[] client = new WsTestClient[1];
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> (client[0] = WsTestClient.connect(uri)) != null);
        return client[0].awaitJoined();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
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
}
