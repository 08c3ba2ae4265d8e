package dev.chat.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.util.JedisClusterCRC16;

class RedisKeysTest {
    private final RedisKeys keys = new RedisKeys("chat");

    @Test
    void roomKeysCarryTheRoomAsAHashTag_soARoomsKeysShareAClusterSlot() {
        assertThat(keys.presence(RoomName.of("dev"))).isEqualTo("chat:{r:dev}:presence");
    }

    @Test
    void everyKeyAndTheChannelOfARoomHashToOneClusterSlot_soItsScriptsRunOnRedisCluster() {
        RoomName room = RoomName.of("dev");
        int slot = JedisClusterCRC16.getSlot(keys.seq(room));

        assertThat(List.of(
                        keys.log(room), keys.epoch(room), keys.sentKeys(room), keys.presence(room), keys.channel(room)))
                .allSatisfy(key -> assertThat(JedisClusterCRC16.getSlot(key)).isEqualTo(slot));
        assertThat(JedisClusterCRC16.getSlot(keys.seq(RoomName.of("other")))).isNotEqualTo(slot);
    }

    @Test
    void everyKeyStartsWithTheNamespace() {
        assertThat(keys.nickname(new Nickname("AmyAnt"))).isEqualTo("chat:nickname:AmyAnt");
        assertThat(keys.presenceRooms()).isEqualTo("chat:presence-rooms");
        assertThat(new RedisKeys("staging").presence(RoomName.GENERAL)).startsWith("staging:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "brace{", "colon:"})
    void givenNamespaceThatCouldCollideWithKeySyntax_itIsRefused(String namespace) {
        assertThatThrownBy(() -> new RedisKeys(namespace)).isInstanceOf(IllegalArgumentException.class);
    }
}
