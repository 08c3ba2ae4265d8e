package dev.chat.domain.contract;

import static dev.chat.domain.contract.ContractSupport.uniqueRoom;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.port.out.PresenceStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link PresenceStore} must do. */
public abstract class PresenceStoreContract {
    private static final Nickname ZED = new Nickname("ZedZebra");
    private static final Nickname AMY = new Nickname("AmyAnt");
    private PresenceStore presence;

    protected abstract PresenceStore createPresenceStore();

    @BeforeEach
    void createStore() {
        presence = createPresenceStore();
    }

    @Test
    void givenMembersAdded_membersAreListedSortedByNickname() {
        RoomName room = uniqueRoom();

        assertThat(presence.add(room, ZED)).isTrue();
        assertThat(presence.add(room, AMY)).isTrue();

        assertThat(presence.members(room)).containsExactly(AMY, ZED);
    }

    @Test
    void givenMemberAddedTwice_secondAddReportsNoChange() {
        RoomName room = uniqueRoom();
        presence.add(room, AMY);

        assertThat(presence.add(room, AMY)).isFalse();
        assertThat(presence.members(room)).containsExactly(AMY);
    }

    @Test
    void givenMemberRemoved_itIsNoLongerListed_andRemovingAgainReportsNoChange() {
        RoomName room = uniqueRoom();
        presence.add(room, AMY);
        presence.add(room, ZED);

        assertThat(presence.remove(room, AMY)).isTrue();
        assertThat(presence.remove(room, AMY)).isFalse();
        assertThat(presence.members(room)).containsExactly(ZED);
        assertThat(presence.remove(room, ZED)).isTrue();
        assertThat(presence.members(room)).isEmpty();
    }

    @Test
    void givenTwoRooms_membershipIsPerRoom() {
        RoomName room = uniqueRoom();
        RoomName otherRoom = uniqueRoom();
        presence.add(room, AMY);

        assertThat(presence.members(otherRoom)).isEmpty();
        assertThat(presence.remove(otherRoom, AMY)).isFalse();
        assertThat(presence.members(room)).containsExactly(AMY);
    }
}
