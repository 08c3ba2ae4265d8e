package dev.chat.store.redis;

import static dev.chat.domain.contract.ContractSupport.uniqueRoom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.domain.contract.MessageHistoryContract;
import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.HistoryLost;
import dev.chat.domain.model.RoomEvent;
import dev.chat.domain.model.RoomName;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

class RedisMessageHistoryIT extends MessageHistoryContract {
    private final RedisBuses buses = new RedisBuses();

    @Override
    protected Stores createStores(int capacity) {
        return new Stores(buses.bus(), buses.history(capacity));
    }

    @AfterEach
    void closeBuses() {
        buses.close();
    }

    @Test
    void givenTheSubscriberConnectionIsKilledMidStream_nothingIsLost_orDeliveredTwice() {
        RedisEventBus bus = buses.bus();
        RedisMessageHistory history = buses.history(1_000);
        RoomName room = uniqueRoom();
        List<Long> received = new CopyOnWriteArrayList<>();
        bus.subscribe(room, event -> received.add(((ChatMessage) event).seq()));

        try (Jedis admin = new Jedis(TestRedis.uri())) {
            for (int i = 1; i <= 200; i++) {
                history.append(draft(room, "m" + i));
                if (i % 50 == 0) {
                    admin.clientKill(ClientKillParams.clientKillParams().type(ClientType.PUBSUB));
                }
            }
        }

        await().atMost(TIMEOUT).until(() -> received.size() >= 200);
        assertThat(received)
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, 200).boxed().toList());
        assertThat(bus.reconnects())
                .as("the subscriber connection was really cut")
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void givenARoomThatHadDeliveredNothing_messagesPublishedWhileTheSubscriberWasAwayAreBackFilled() {
        RedisEventBus bus = buses.bus();
        RedisMessageHistory history = buses.history(1_000);
        RoomName room = uniqueRoom();
        List<Long> received = new CopyOnWriteArrayList<>();
        bus.subscribe(room, event -> received.add(((ChatMessage) event).seq()));

        try (Jedis admin = new Jedis(TestRedis.uri())) {
            admin.clientKill(ClientKillParams.clientKillParams().type(ClientType.PUBSUB));
            // the bus reconnects after a pause: these land while nobody on this node listens
            for (int i = 1; i <= 3; i++) {
                history.append(draft(room, "m" + i));
            }
        }

        await().atMost(TIMEOUT).until(() -> bus.reconnects() >= 1 && received.size() >= 3);
        assertThat(received).containsExactly(1L, 2L, 3L);
    }

    @Test
    void givenRedisLostTheRoomsHistory_subscribersAreToldBeforeTheNewEpochsMessages() {
        RedisEventBus bus = buses.bus();
        RedisMessageHistory history = buses.history(1_000);
        RoomName room = uniqueRoom();
        List<RoomEvent> received = new CopyOnWriteArrayList<>();
        bus.subscribe(room, received::add);
        history.append(draft(room, "old 1"));
        history.append(draft(room, "old 2"));
        await().atMost(TIMEOUT).until(() -> received.size() >= 2);

        try (Jedis admin = new Jedis(TestRedis.uri())) { // what a Redis restarted without persistence has lost
            admin.del(buses.keys.seq(room), buses.keys.log(room), buses.keys.epoch(room), buses.keys.sentKeys(room));
        }
        history.append(draft(room, "new 1"));
        history.append(draft(room, "new 2"));

        await().atMost(TIMEOUT).until(() -> received.size() >= 5);
        assertThat(received)
                .extracting(event -> event instanceof ChatMessage message
                        ? message.text()
                        : event.getClass().getSimpleName())
                .containsExactly("old 1", "old 2", "HistoryLost", "new 1", "new 2");
        assertThat(received.get(2)).isEqualTo(new HistoryLost(room));
    }
}
