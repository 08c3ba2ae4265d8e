package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.store.redis.RedisKeys;
import dev.chat.store.redis.TestRedis;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The warm-up at start: real traffic on a private server, which is gone afterwards; with Redis, under a namespace of
 * its own whose keys are gone afterwards too.
 */
class WarmUpIT {
    private static ChatConfig withWarmUp(ChatConfig config, Duration warmUp) {
        ChatConfig.Operations operations = config.operations();
        return config.withOperations(new ChatConfig.Operations(
                operations.maxConnections(),
                operations.maxConnectsPerSecond(),
                operations.maxOpening(),
                operations.drainAccept(),
                operations.drain(),
                warmUp));
    }

    @Test
    void givenAWarmUp_messagesGoRoundAndFanOut_peopleComeAndGo_andNothingFails() {
        // Redis on a port where nothing listens (the warm-up runs in memory), and the service's own default limits (the
        // private server has none)
        ChatConfig config = withWarmUp(ChatConfig.defaults(0), Duration.ofSeconds(2))
                .withStore(new ChatConfig.Store(
                        "redis://127.0.0.1:1", "chat", Duration.ofSeconds(15), Duration.ofSeconds(30)));

        WarmUp.Report report = WarmUp.run(config);

        assertThat(report.failures()).isEmpty();
        assertThat(report.echoes()).isPositive();
        assertThat(report.framesReceived()).isGreaterThan(report.echoes()); // every echo reached the listeners too
        assertThat(report.connects()).isGreaterThan(6); // 4 listeners, 2 echoers, and at least one that came and went
        assertThat(report.took()).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(report.redisNamespace()).isNull();
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), report.port()).close())
                .as("the private server is stopped")
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void theEchoedMessagesAlternateBetweenTheShortAndTheExtendedFrameLength() {
        // the longest marker a warm-up makes in a short message, and the shortest in a long one
        int longestShort = payloadBytes(WarmUp.messageCommand("warm-up-echo-1", 99_999_998L));
        int shortestLong = payloadBytes(WarmUp.messageCommand("warm-up-echo-0", 1));

        assertThat(longestShort).as("a length in the frame's first 7 bits").isLessThanOrEqualTo(125);
        assertThat(shortestLong).as("a 16-bit extended length").isBetween(126, 65_535);
        assertThat(payloadBytes(WarmUp.messageCommand("warm-up-echo-0", 2))).isLessThanOrEqualTo(125);
        assertThat(payloadBytes(WarmUp.messageCommand("warm-up-echo-0", 3))).isGreaterThanOrEqualTo(126);
    }

    private static int payloadBytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void givenTheCompilerIsDone_theWarmUpEndsBeforeItsBudget_butNotBeforeItsMinimum() {
        ChatConfig config = withWarmUp(ChatConfig.defaults(0), Duration.ofSeconds(60));
        CompilerQuiet idleCompiler = new CompilerQuiet(() -> 0);

        WarmUp.Report report = WarmUp.run(config, idleCompiler);

        assertThat(report.failures()).isEmpty();
        assertThat(report.compilerWentQuiet()).isTrue();
        assertThat(report.echoes()).isPositive();
        assertThat(report.took()).isGreaterThanOrEqualTo(WarmUp.MINIMUM).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void givenTheCompilerKeepsWorking_theWarmUpRunsItsWholeBudget() {
        ChatConfig config = withWarmUp(ChatConfig.defaults(0), Duration.ofSeconds(3));
        AtomicLong compiled = new AtomicLong();
        CompilerQuiet busyCompiler = new CompilerQuiet(() -> compiled.addAndGet(CompilerQuiet.WINDOW.toMillis()));

        WarmUp.Report report = WarmUp.run(config, busyCompiler);

        assertThat(report.failures()).isEmpty();
        assertThat(report.compilerWentQuiet()).isFalse();
        assertThat(report.took()).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void givenNoWarmUp_nothingRuns() {
        WarmUp.Report report = WarmUp.run(withWarmUp(ChatConfig.defaults(0), Duration.ZERO));

        assertThat(report.echoes()).isZero();
        assertThat(report.connects()).isZero();
    }

    @Test
    void givenRedis_theWarmUpRunsOnItUnderItsOwnNamespace_andLeavesNoKeyThere() {
        String namespace = "it-" + UUID.randomUUID();
        ChatConfig config = withWarmUp(
                ChatConfig.defaults(0)
                        .withStore(new ChatConfig.Store(
                                TestRedis.uri().toString(), namespace, Duration.ofSeconds(2), Duration.ofSeconds(5))),
                Duration.ofSeconds(1));
        RedisClient redis = TestRedis.client();
        redis.set(namespace + ":nickname:SomeoneReal", "a-live-session"); // the node's own namespace is not touched

        WarmUp.Report report = WarmUp.run(config);

        assertThat(report.failures()).isEmpty();
        assertThat(report.echoes()).isPositive();
        assertThat(report.redisNamespace()).startsWith(namespace + "-warm-up-");
        assertThat(report.redisKeysDeleted())
                .as("sessions, nicknames, the room's log and presence were kept in Redis")
                .isPositive();
        assertThat(redis.keys(report.redisNamespace() + "*")).isEmpty();
        assertThat(redis.get(namespace + ":nickname:SomeoneReal")).isEqualTo("a-live-session");
    }

    @Test
    void givenALongNamespace_theWarmUpsNamespaceStillFits() {
        String longest = "n".repeat(64);

        String privateNamespace = WarmUp.privateNamespace(longest);

        assertThat(new RedisKeys(privateNamespace)).isNotNull(); // accepted: 1-64 of the allowed characters
        assertThat(privateNamespace)
                .startsWith("n".repeat(40) + "-warm-up-")
                .isNotEqualTo(WarmUp.privateNamespace(longest));
    }

    @Test
    void thePrivateServerListensOnLoopbackOnly_withoutLimits_andInMemoryOrUnderItsNamespace() {
        ChatConfig config = ChatConfig.defaults(8080)
                .withStore(new ChatConfig.Store(
                        "redis://10.0.0.1:6379", "chat", Duration.ofSeconds(15), Duration.ofSeconds(30)));

        ChatConfig onRedis = WarmUp.privateConfig(config, "chat-warm-up-1234");
        assertThat(onRedis.store().redisUrl()).isEqualTo("redis://10.0.0.1:6379");
        assertThat(onRedis.store().redisNamespace()).isEqualTo("chat-warm-up-1234");
        assertThat(onRedis.store().startupWait())
                .as("Redis answers at once, or the warm-up runs in memory")
                .isZero();

        ChatConfig privateConfig = WarmUp.privateConfig(config, null);

        assertThat(privateConfig.server().host()).isEqualTo("127.0.0.1");
        assertThat(privateConfig.server().port()).isZero();
        assertThat(privateConfig.store().isRedis()).isFalse();
        assertThat(privateConfig.abuse()).isEqualTo(ChatConfig.Abuse.NONE);
        assertThat(privateConfig.operations().maxConnections()).isZero();
        assertThat(privateConfig.operations().maxConnectsPerSecond()).isZero();
        assertThat(privateConfig.operations().warmUp()).isZero();
        assertThat(privateConfig.messaging()).isEqualTo(config.messaging());
    }
}
