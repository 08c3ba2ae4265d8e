package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.app.support.RunningChat;
import dev.chat.loadtest.JoinStorm;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The join-storm load generator, run small against a real server: every message posted while the crowd joins
 * reaches every client welcomed before it was sent, exactly once. Its speed is measured with the full-size run
 * (docs/performance.md), not here.
 */
class JoinStormIT {
    private final RunningChat chat = RunningChat.start(ChatConfig.defaults(0));

    @AfterEach
    void stop() {
        chat.close();
    }

    @Test
    void givenACrowdJoiningWhileAMemberPosts_everyMessageReachesEveryoneWelcomedBeforeIt() throws Exception {
        JoinStorm.Options options = new JoinStorm.Options(
                chat.chatUri(), 5, 300, 50, Duration.ofMillis(100), Duration.ofSeconds(3), Duration.ofSeconds(60));

        JoinStorm.Result result = new JoinStorm(options).run();

        assertThat(result.joined()).isEqualTo(300);
        assertThat(result.messages()).isPositive();
        assertThat(result.expected()).isPositive();
        assertThat(result.missing()).as(result.summary()).isZero();
        assertThat(result.duplicates()).as(result.summary()).isZero();
        assertThat(result.delivered()).isEqualTo(result.expected());
    }
}
