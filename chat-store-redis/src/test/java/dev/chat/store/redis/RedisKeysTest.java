package dev.chat.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RedisKeysTest {
    private final RedisKeys keys = new RedisKeys("chat");

    @Test
    void roomKeysCarryTheRoomAsAHashTag_soARoomsKeysShareAClusterSlot() {
        assertThat(keys.presence(RoomName.of("dev"))).isEqualTo("chat:{r:dev}:presence");
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
