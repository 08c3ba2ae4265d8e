package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The warm-up at start: real traffic on a private server, which is gone afterwards and never touches Redis. */
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
        // Redis on a port where nothing listens, and the service's own default limits: the private server has neither
        ChatConfig config = withWarmUp(ChatConfig.defaults(0), Duration.ofSeconds(2))
                .withStore(new ChatConfig.Store(
                        "redis://127.0.0.1:1", "chat", Duration.ofSeconds(15), Duration.ofSeconds(30)));

        WarmUp.Report report = WarmUp.run(config);

        assertThat(report.failures()).isEmpty();
        assertThat(report.echoes()).isPositive();
        assertThat(report.framesReceived()).isGreaterThan(report.echoes()); // every echo reached the listeners too
        assertThat(report.connects()).isGreaterThan(6); // 4 listeners, 2 echoers, and at least one that came and went
        assertThat(report.took()).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), report.port()).close())
                .as("the private server is stopped")
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void givenNoWarmUp_nothingRuns() {
        WarmUp.Report report = WarmUp.run(withWarmUp(ChatConfig.defaults(0), Duration.ZERO));

        assertThat(report.echoes()).isZero();
        assertThat(report.connects()).isZero();
    }

    @Test
    void thePrivateServerListensOnLoopbackOnly_withoutLimits_andInMemory() {
        ChatConfig config = ChatConfig.defaults(8080)
                .withStore(new ChatConfig.Store(
                        "redis://10.0.0.1:6379", "chat", Duration.ofSeconds(15), Duration.ofSeconds(30)));

        ChatConfig privateConfig = WarmUp.privateConfig(config);

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
