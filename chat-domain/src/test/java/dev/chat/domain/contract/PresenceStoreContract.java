package dev.chat.domain.contract;

import static dev.chat.domain.contract.ContractSupport.uniqueRoom;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.PresenceStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
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

    @Test
    void givenARoom_itsCountFollowsItsMembers_eachCountedOnceHoweverManySessions() {
        RoomName room = uniqueRoom();
        assertThat(presence.count(room)).isZero();

        presence.add(room, AMY, AMYS_TAB);
        presence.add(room, AMY, AMYS_OTHER_TAB);
        presence.add(room, ZED, ZEDS_TAB);
        assertThat(presence.count(room)).isEqualTo(2);

        presence.remove(room, AMY, AMYS_TAB);
        assertThat(presence.count(room)).isEqualTo(2);
        presence.remove(room, AMY, AMYS_OTHER_TAB);
        assertThat(presence.count(room)).isEqualTo(1);
    }

    @Test
    void givenPages_theyListEveryMemberOnceInNameOrder() {
        RoomName room = uniqueRoom();
        List<Nickname> everyone = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            Nickname member = new Nickname(String.format("Member%02d", i));
            everyone.add(member);
            presence.add(room, member, SessionToken.generate());
        }

        List<Nickname> paged = new ArrayList<>();
        Nickname after = null;
        while (true) {
            List<Nickname> page = presence.page(room, after, 7);
            paged.addAll(page);
            if (page.size() < 7) {
                break;
            }
            after = page.get(page.size() - 1);
        }

        assertThat(paged).containsExactlyElementsOf(everyone);
        assertThat(presence.page(room, new Nickname("Member24"), 7)).isEmpty();
        assertThat(presence.page(room, new Nickname("Member10x"), 2))
                .containsExactly(new Nickname("Member11"), new Nickname("Member12"));
        assertThat(presence.page(uniqueRoom(), null, 7)).isEmpty();
    }

    @Test
    void givenARoom_itsFirstMembersComeWithItsCount() {
        RoomName room = uniqueRoom();
        assertThat(presence.firstMembers(room, 2)).isEqualTo(new PresenceStore.FirstMembers(List.of(), 0));
        presence.add(room, ZED, ZEDS_TAB);
        presence.add(room, AMY, AMYS_TAB);
        presence.add(room, AMY, AMYS_OTHER_TAB);
        presence.add(room, new Nickname("Bea"), SessionToken.generate());

        assertThat(presence.firstMembers(room, 2))
                .isEqualTo(new PresenceStore.FirstMembers(List.of(AMY, new Nickname("Bea")), 3));
        assertThat(presence.firstMembers(room, 10).members()).containsExactly(AMY, new Nickname("Bea"), ZED);
        // none asked: the count alone (a member reusing first members another one read)
        assertThat(presence.firstMembers(room, 0)).isEqualTo(new PresenceStore.FirstMembers(List.of(), 3));
        assertThat(presence.firstMembers(room, 2).members()).containsExactly(AMY, new Nickname("Bea"));
    }

    @Test
    void givenAJoiner_itsAddComesWithTheFirstMembersAfterIt() {
        RoomName room = uniqueRoom();
        presence.add(room, ZED, ZEDS_TAB);

        PresenceStore.Joined amy = presence.addAndReadFirst(room, AMY, AMYS_TAB, 1);
        assertThat(amy.arrived()).isTrue();
        assertThat(amy.first()).isEqualTo(new PresenceStore.FirstMembers(List.of(AMY), 2)); // Amy listed: read after

        PresenceStore.Joined amyAgain = presence.addAndReadFirst(room, AMY, AMYS_OTHER_TAB, 10);
        assertThat(amyAgain.arrived()).isFalse(); // her second tab: she was there already
        assertThat(amyAgain.first()).isEqualTo(new PresenceStore.FirstMembers(List.of(AMY, ZED), 2));

        // As an add: her sessions are both held, so she leaves with the last of them.
        assertThat(presence.remove(room, AMY, AMYS_TAB)).isFalse();
        assertThat(presence.remove(room, AMY, AMYS_OTHER_TAB)).isTrue();
        assertThat(presence.members(room)).containsExactly(ZED);
    }

    @Test
    void givenMembersComingAndGoingAroundTheListedOnes_theFirstMembersReadAreAlwaysTheCurrentOnes() {
        RoomName room = uniqueRoom();
        Random random = new Random(11);
        TreeMap<Nickname, SessionToken> inRoom = new TreeMap<>();
        for (int step = 0; step < 300; step++) {
            Nickname member = new Nickname(String.format("Member%02d", random.nextInt(40)));
            SessionToken held = inRoom.remove(member);
            if (held != null) {
                assertThat(presence.remove(room, member, held)).isTrue();
            } else {
                SessionToken session = SessionToken.generate();
                assertThat(presence.add(room, member, session)).isTrue();
                inRoom.put(member, session);
            }
            int limit = step % 50 == 49 ? 3 : 8; // now and then another limit, then back
            List<Nickname> expected = inRoom.keySet().stream().limit(limit).toList();
            assertThat(presence.firstMembers(room, limit))
                    .as("after step %d (%s)", step, member)
                    .isEqualTo(new PresenceStore.FirstMembers(expected, inRoom.size()));
        }
    }
}
