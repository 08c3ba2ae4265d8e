package dev.chat.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.domain.contract.SessionStoreContract;
import dev.chat.domain.model.Identity;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SessionRecord;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.SessionStore;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RedisSessionStoreIT extends SessionStoreContract {
    @Override
    protected SessionStore createSessionStore() {
        return newStore("test-sessions");
    }

    private static RedisSessionStore newStore(String namespace) {
        return new RedisSessionStore(
                TestRedis.client(),
                TestRedis.async(),
                new RedisCalls(64),
                new RedisKeys(namespace),
                Duration.ofMinutes(5),
                "contract-node",
                (node, notice) -> 0);
    }

    /**
     * Redis restarted empty: the periodic renewal and the one after the reconnect both find the session lost. The
     * first restores it; the second must not take the nickname the first just took back for another session's.
     */
    @Test
    void givenTwoRenewalsFindingTheSessionLostAtOnce_itIsRestoredOnce_andKept() throws Exception {
        RedisKeys keys = new RedisKeys("restore-race");
        RedisSessionStore store = newStore("restore-race");
        List<SessionToken> letGo = new CopyOnWriteArrayList<>();
        store.onLetGo(letGo::add);
        SessionToken token = SessionToken.generate();
        Nickname nickname = new Nickname("RacingRestorer" + System.nanoTime());
        assertThat(store.create(new SessionRecord(token, nickname, Set.of(RoomName.of("general")), Identity.ANONYMOUS)))
                .isTrue();
        ExecutorService renewals = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 50; round++) {
                TestRedis.client().del(keys.session(token), keys.nickname(nickname)); // lost in a restart
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<?>> both = List.of(
                        renewals.submit(() -> {
                            together.await();
                            store.renewHeld();
                            return null;
                        }),
                        renewals.submit(() -> {
                            together.await();
                            store.renewHeld();
                            return null;
                        }));
                for (Future<?> renewal : both) {
                    renewal.get(10, TimeUnit.SECONDS);
                }
                assertThat(letGo).as("sessions let go, round %d", round).isEmpty();
                assertThat(store.find(token)).as("round %d", round).isPresent();
            }
        } finally {
            renewals.shutdownNow();
        }
    }
}
