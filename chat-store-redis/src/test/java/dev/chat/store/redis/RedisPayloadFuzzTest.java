package dev.chat.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * What arrives from Redis (a room's events, stored or published; another node's messages) may have been written by
 * another version or by hand: anything that is not ours is refused with IllegalArgumentException, which the readers
 * log and skip, never another exception.
 */
class RedisPayloadFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final RoomEventCodec codec = new RoomEventCodec();

    @FuzzTest(maxDuration = "2m")
    void anyRoomEventPayloadDecodesOrIsRefused(byte[] input) {
        String payload = new String(input, StandardCharsets.UTF_8);
        try {
            assertThat(codec.receive(payload).event()).isNotNull();
        } catch (IllegalArgumentException refused) {
            assertThat(refused).hasMessageStartingWith("not a room event");
        }
    }

    /** Payloads shaped like ours (the right keys, any values), which random bytes seldom reach. */
    @FuzzTest(maxDuration = "2m")
    void anyRoomEventShapedPayloadDecodesOrIsRefused(FuzzedDataProvider data) {
        ObjectNode event = JSON.createObjectNode();
        event.put("t", data.pickValue(new String[] {"m", "c", "d", "x"}));
        for (String field : new String[] {"room", "user", "id", "text", "time", "epoch"}) {
            if (data.consumeBoolean()) {
                event.put(field, data.consumeString(80));
            }
        }
        if (data.consumeBoolean()) {
            event.put("seq", data.consumeLong());
        }
        anyRoomEventPayloadDecodesOrIsRefused(event.toString().getBytes(StandardCharsets.UTF_8));
    }

    @FuzzTest(maxDuration = "2m")
    void anyNodeMessageDecodesOrIsRefused(byte[] input) {
        String payload = new String(input, StandardCharsets.UTF_8);
        try {
            assertThat(NodeMessage.decode(payload)).isNotNull();
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }
}
