package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.app.support.RunningChat;
import dev.chat.app.support.WsTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node drains (SIGTERM) while another keeps serving: its clients are moved one by one, resume on the other node,
 * miss no message and see none twice, and nobody is told they left.
 */
class DrainIT {
    private static final int MOVERS = 8;

    private final ChatConfig nodeConfig = RunningChat.onTestRedis(ChatConfig.defaults(0))
            .withOperations(new ChatConfig.Operations(0, 0, 0, Duration.ofMillis(200), Duration.ofMillis(1_500)));
    private final RunningChat draining = RunningChat.start(nodeConfig);
    private final RunningChat staying = RunningChat.start(nodeConfig);

    @AfterEach
    void stop() {
        draining.close();
        staying.close();
    }

    @Test
    void givenANodeDrains_itsClientsResumeElsewhere_missingNothing_andNobodySeesThemLeave() throws Exception {
        WsTestClient bystander = staying.client();
        List<WsTestClient> movers = new ArrayList<>();
        for (int i = 0; i < MOVERS; i++) {
            movers.add(draining.client());
        }
        movers.forEach(mover -> bystander.await(
                "userConnected",
                data -> mover.nickname().equals(data.path("user").textValue())));

        CompletableFuture<Void> drain =
                CompletableFuture.runAsync(() -> draining.server().drainAndStop());
        List<WsTestClient> resumed = new ArrayList<>();
        int sent = 0;
        for (WsTestClient mover : movers) {
            bystander.sendMessage("general", "during the drain " + ++sent, "d" + sent);
            assertThat(mover.awaitCloseCode()).isEqualTo(1012);
            resumed.add(staying.resumingClient(mover.session(), mover.generalCursor())
                    .awaitJoined());
        }
        drain.get(30, TimeUnit.SECONDS);
        bystander.sendMessage("general", "after the drain", "last");
        long lastSeq = bystander
                .await("ack", data -> "last".equals(data.path("ref").textValue()))
                .path("seq")
                .longValue();

        for (int i = 0; i < MOVERS; i++) {
            WsTestClient before = movers.get(i);
            WsTestClient after = resumed.get(i);
            after.await("message", data -> data.path("seq").longValue() == lastSeq);
            List<Long> seqs = new ArrayList<>(seqsOf(before));
            seqs.addAll(seqsOf(after));
            assertThat(seqs).as("mover %d", i).doesNotHaveDuplicates();
            assertThat(new HashSet<>(seqs))
                    .as("mover %d", i)
                    .containsAll(LongStream.rangeClosed(1, lastSeq).boxed().toList());
            assertThat(after.welcome().path("resumed").booleanValue()).isTrue();
            assertThat(after.nickname()).isEqualTo(before.nickname());
        }
        Set<String> moved =
                new HashSet<>(movers.stream().map(WsTestClient::nickname).toList());
        assertThat(bystander.events("userDisconnected"))
                .noneMatch(data -> moved.contains(data.path("user").textValue()));
    }

    private static List<Long> seqsOf(WsTestClient client) {
        return client.events("message").stream()
                .filter(m -> "general".equals(m.path("room").textValue()))
                .map(m -> m.path("seq").longValue())
                .toList();
    }
}
