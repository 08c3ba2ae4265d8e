package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.app.support.RunningChat;
import dev.chat.app.support.SseTestClient;
import dev.chat.app.support.WsTestClient;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One signed-in user in two tabs, on two nodes and two transports: listed once, arriving with the first tab and
 * leaving with the last. Each check that something did not happen waits for a later message on the same room
 * channel, which comes after it would have.
 */
class MultiTabPresenceIT {
    private final ChatConfig config = RunningChat.onTestRedis(
                    RunningChat.withGrace(ChatConfig.defaults(0), Duration.ofSeconds(60)))
            .withAbuse(ChatConfig.Abuse.NONE.withSignIn(new ChatConfig.SignIn(JwtSignInIT.SECRET, null, null, null)));
    private final RunningChat nodeA = RunningChat.start(config);
    private final RunningChat nodeB = RunningChat.start(config);

    @AfterEach
    void stop() {
        Stream.of(nodeA, nodeB).forEach(RunningChat::close);
    }

    private static String token(String subject, String name) {
        return JwtSignInIT.token(subject, name, Instant.now().plus(1, ChronoUnit.HOURS), null);
    }

    private static String query(String token) {
        return "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    private static List<String> usersIn(JsonNode activeUsers) {
        return java.util.stream.StreamSupport.stream(activeUsers.path("users").spliterator(), false)
                .map(JsonNode::textValue)
                .toList();
    }

    /** Waits until the bystander has its own marker: every earlier event of general is in by then. */
    private static void sync(WsTestClient bystander, String marker) {
        bystander.sendMessage("general", marker, marker);
        bystander.await("message", data -> marker.equals(data.path("text").textValue()));
    }

    @Test
    void givenAUserInTwoTabs_othersSeeThemOnce_andTheyLeaveWithTheLastTab() {
        WsTestClient bystander =
                WsTestClient.connect(URI.create(nodeA.chatUri() + query(token("user-bo", "Bo"))), Map.of(), true);
        bystander.awaitJoined();

        SseTestClient firstTab = nodeB.sseClient(Map.of(), query(token("user-ada", "Ada")));
        firstTab.await("activeUsers");
        WsTestClient secondTab =
                WsTestClient.connect(URI.create(nodeA.chatUri() + query(token("user-ada", "Ada"))), Map.of(), true);
        JsonNode secondTabSees = secondTab.awaitJoined().await("activeUsers");
        sync(bystander, "after both tabs");

        assertThat(secondTab.nickname()).isEqualTo("Ada");
        assertThat(usersIn(secondTabSees)).containsExactly("Ada", "Bo");
        assertThat(bystander.events("userConnected"))
                .extracting(data -> data.path("user").textValue())
                .containsExactly("Ada");

        assertThat(nodeA.endSession(firstTab.session()).statusCode()).isEqualTo(204); // relayed to node B
        sync(bystander, "after the first tab");
        assertThat(bystander.events("userDisconnected")).isEmpty();

        secondTab.closeWith(1000);
        assertThat(bystander.await("userDisconnected").path("user").textValue()).isEqualTo("Ada");
    }
}
