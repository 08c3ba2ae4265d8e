package dev.chat.domain.contract;

import static dev.chat.domain.contract.ContractSupport.uniqueRoom;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.PresenceStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link PresenceStore} must do. */
public abstract class PresenceStoreContract {
    private static final Nickname ZED = new Nickname("ZedZebra");
    private static final Nickname AMY = new Nickname("AmyAnt");
    private PresenceStore presence;

    protected abstract PresenceStore createPresenceStore();

    private static final SessionToken AMYS_TAB = SessionToken.generate();
    private static final SessionToken AMYS_OTHER_TAB = SessionToken.generate();
    private static final SessionToken ZEDS_TAB = SessionToken.generate();

    @BeforeEach
    void createStore() {
        presence = createPresenceStore();
    }

    @Test
    void givenMembersAdded_membersAreListedSortedByNickname() {
        RoomName room = uniqueRoom();

        assertThat(presence.add(room, ZED, ZEDS_TAB)).isTrue();
        assertThat(presence.add(room, AMY, AMYS_TAB)).isTrue();

        assertThat(presence.members(room)).containsExactly(AMY, ZED);
    }

    @Test
    void givenTheSameSessionAddedTwice_secondAddReportsNoChange() {
        RoomName room = uniqueRoom();
        presence.add(room, AMY, AMYS_TAB);

        assertThat(presence.add(room, AMY, AMYS_TAB)).isFalse();
        assertThat(presence.members(room)).containsExactly(AMY);
    }

    @Test
    void givenMemberRemoved_itIsNoLongerListed_andRemovingAgainReportsNoChange() {
        RoomName room = uniqueRoom();
        presence.add(room, AMY, AMYS_TAB);
        presence.add(room, ZED, ZEDS_TAB);

        assertThat(presence.remove(room, AMY, AMYS_TAB)).isTrue();
        assertThat(presence.remove(room, AMY, AMYS_TAB)).isFalse();
        assertThat(presence.members(room)).containsExactly(ZED);
        assertThat(presence.remove(room, ZED, ZEDS_TAB)).isTrue();
        assertThat(presence.members(room)).isEmpty();
    }

    @Test
    void givenTwoRooms_membershipIsPerRoom() {
        RoomName room = uniqueRoom();
        RoomName otherRoom = uniqueRoom();
        presence.add(room, AMY, AMYS_TAB);

        assertThat(presence.members(otherRoom)).isEmpty();
        assertThat(presence.remove(otherRoom, AMY, AMYS_TAB)).isFalse();
        assertThat(presence.members(room)).containsExactly(AMY);
    }

    @Test
    void givenAMemberInTheRoomWithTwoSessions_itIsListedOnce_arrivesWithTheFirst_andLeavesWithTheLast() {
        RoomName room = uniqueRoom();

        assertThat(presence.add(room, AMY, AMYS_TAB)).isTrue();
        assertThat(presence.add(room, AMY, AMYS_OTHER_TAB)).isFalse();
        assertThat(presence.members(room)).containsExactly(AMY);

        assertThat(presence.remove(room, AMY, AMYS_TAB)).isFalse();
        assertThat(presence.members(room)).containsExactly(AMY);
        assertThat(presence.remove(room, AMY, AMYS_TAB)).isFalse(); // gone already: no change
        assertThat(presence.remove(room, AMY, AMYS_OTHER_TAB)).isTrue();
        assertThat(presence.members(room)).isEmpty();
    }

    @Test
    void givenASessionThatLeftAndCameBack_theMemberArrivesAgain() {
        RoomName room = uniqueRoom();
        presence.add(room, AMY, AMYS_TAB);
        presence.remove(room, AMY, AMYS_TAB);

        assertThat(presence.add(room, AMY, AMYS_OTHER_TAB)).isTrue();
    }
}
