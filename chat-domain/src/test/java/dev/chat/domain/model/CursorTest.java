package dev.chat.domain.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class CursorTest {
    @Test
    void givenPositions_theTextFormRoundTrips_roomsInNameOrder() {
        Cursor cursor = Cursor.EMPTY
                .with(RoomName.of("general"), new RoomPosition("Ab_-9", 42))
                .with(RoomName.of("dev"), new RoomPosition("Ab_-9", 7));

        assertThat(cursor.text()).isEqualTo("dev:Ab_-9:7,general:Ab_-9:42");
        assertThat(Cursor.parse(cursor.text())).contains(cursor);
        assertThat(cursor.without(RoomName.of("dev")).text()).isEqualTo("general:Ab_-9:42");
    }

    @Test
    void givenEvents_aSnapshotSetsTheRoomsPosition_aLaterMessageAdvancesIt_andOthersChangeNothing() {
        RoomName dev = RoomName.of("dev");
        Nickname amy = new Nickname("Amy");
        Cursor afterSnapshot = Cursor.EMPTY.advancedBy(new ActiveUsers(dev, List.of(amy), new RoomPosition("ep", 4)));
        Cursor afterMessage = afterSnapshot.advancedBy(new ChatMessage(dev, 5, "id", amy, "hi", Instant.EPOCH));

        assertThat(afterSnapshot.text()).isEqualTo("dev:ep:4");
        assertThat(afterMessage.text()).isEqualTo("dev:ep:5");
        assertThat(afterMessage.advancedBy(new ChatMessage(dev, 3, "old", amy, "x", Instant.EPOCH)))
                .isEqualTo(afterMessage);
        assertThat(afterMessage.advancedBy(new UserConnected(dev, amy))).isEqualTo(afterMessage);
        assertThat(Cursor.EMPTY.advancedBy(new ChatMessage(dev, 9, "id", amy, "no snapshot yet", Instant.EPOCH)))
                .isEqualTo(Cursor.EMPTY);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "  ", "general", "general:e", "general:e:x", "General:e:1", "general:e:1,", "a:b:1;c"})
    void givenTextThatIsNotACursor_parseGivesNothing(String text) {
        assertThat(Cursor.parse(text)).isEmpty();
    }

    @Test
    void givenOverlongText_parseGivesNothing() {
        assertThat(Cursor.parse("a:e:1,".repeat(3_000) + "a:e:1")).isEmpty();
    }
}
