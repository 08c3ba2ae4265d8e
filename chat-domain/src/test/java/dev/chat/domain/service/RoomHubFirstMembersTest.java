package dev.chat.domain.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.domain.contract.SettableClock;
import dev.chat.domain.memory.InMemoryEventBus;
import dev.chat.domain.model.ActiveUsers;
import dev.chat.domain.model.HistoryLost;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.RoomPosition;
import dev.chat.domain.model.UserConnected;
import dev.chat.domain.model.UserDisconnected;
import dev.chat.domain.port.out.ChatMetrics;
import dev.chat.domain.port.out.PresenceStore.FirstMembers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A room's first members read by one joiner and reused by the joiners after it, for as long as every arrival and
 * departure heard of is already in them. The bus here delivers at once; with Redis an event may come while a read is
 * made or after it, which the reads offered back "under" an earlier generation stand for.
 */
class RoomHubFirstMembersTest {
    private static final RoomName ROOM = RoomName.of("big");
    /** Members a read asks for (the list limit plus one). */
    private static final int READS = 4;

    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private static final Nickname AMY = new Nickname("Amy");
    private static final Nickname BEN = new Nickname("Ben");
    private static final Nickname CAT = new Nickname("Cat");
    private static final Nickname EVE = new Nickname("Eve");
    private static final Nickname GUS = new Nickname("Gus");
    private static final Nickname ZOE = new Nickname("Zoe");
    /** Four of a room of 100. */
    private static final FirstMembers FIRST = new FirstMembers(List.of(AMY, CAT, EVE, GUS), 100);

    private final InMemoryEventBus bus = new InMemoryEventBus();
    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-02T12:00:00Z"));
    private final RoomHub hub = new RoomHub(
            bus,
            new CountingEncoder(),
            room -> new ActiveUsers(room, List.of(), new RoomPosition("e", 0)),
            ChatMetrics.NONE,
            clock);

    @BeforeEach
    void aMemberHere() {
        RoomMembership member = new RoomMembership(ROOM, new Nickname("Here"), new RecordingConnection());
        member.completePriming(List.of(), 0);
        hub.attach(member);
    }

    @Test
    void givenNoJoinerReadThem_thereAreNoneToReuse() {
        assertThat(hub.knownFirstMembers(ROOM).members()).isNull();
        assertThat(hub.knownFirstMembers(RoomName.of("elsewhere")).members()).isNull();
    }

    @Test
    void givenAJoinersRead_theNextJoinerReusesIt() {
        keepRead(FIRST);

        assertThat(hub.knownFirstMembers(ROOM).members()).isEqualTo(FIRST);
    }

    @Test
    void givenAnArrivalAfterThemOrADepartureOfSomeoneNotListed_theyAreStillReused() {
        keepRead(FIRST);

        bus.publish(new UserConnected(ROOM, ZOE)); // sorts after the last of them
        bus.publish(new UserDisconnected(ROOM, BEN)); // not among them

        assertThat(hub.knownFirstMembers(ROOM).members()).isEqualTo(FIRST);
    }

    @Test
    void givenAnArrivalAmongThem_theyAreForgotten() {
        keepRead(FIRST);

        bus.publish(new UserConnected(ROOM, BEN));

        assertThat(hub.knownFirstMembers(ROOM).members()).isNull();
    }

    @Test
    void givenADepartureOfOneListed_theyAreForgotten() {
        keepRead(FIRST);

        bus.publish(new UserDisconnected(ROOM, CAT));

        assertThat(hub.knownFirstMembers(ROOM).members()).isNull();
    }

    @Test
    void givenTheWholeRoomRead_anyArrivalForgetsThem() {
        keepRead(new FirstMembers(List.of(AMY, CAT), 2));

        bus.publish(new UserConnected(ROOM, ZOE));

        assertThat(hub.knownFirstMembers(ROOM).members()).isNull();
    }

    @Test
    void givenAnIntervalWithoutAChange_theyAreReadAgain() {
        keepRead(FIRST);

        clock.advance(INTERVAL.minusMillis(1));
        assertThat(hub.knownFirstMembers(ROOM).members()).isEqualTo(FIRST);
        clock.advance(Duration.ofMillis(1));
        assertThat(hub.knownFirstMembers(ROOM).members()).isNull();
    }

    @Test
    void givenTheRoomsHistoryLost_theyAreForgotten() {
        keepRead(FIRST);

        bus.publish(new HistoryLost(ROOM));

        assertThat(hub.knownFirstMembers(ROOM).members()).isNull();
    }

    @Test
    void givenAnArrivalHeardWhileTheReadWasMade_theReadIsKeptOnlyIfItListsThatArrival() {
        long generation = hub.knownFirstMembers(ROOM).generation();
        bus.publish(new UserConnected(ROOM, BEN)); // the reader's own arrival, say
        hub.keepFirstMembers(ROOM, generation, FIRST, READS); // a read made before it
        assertThat(hub.knownFirstMembers(ROOM).members()).isNull();

        generation = hub.knownFirstMembers(ROOM).generation();
        bus.publish(new UserConnected(ROOM, BEN));
        FirstMembers withBen = new FirstMembers(List.of(AMY, BEN, CAT, EVE), 101);
        hub.keepFirstMembers(ROOM, generation, withBen, READS);
        assertThat(hub.knownFirstMembers(ROOM).members()).isEqualTo(withBen);
    }

    @Test
    void givenADepartureHeardWhileTheReadWasMade_theReadIsKeptOnlyIfItNoLongerListsThem() {
        long generation = hub.knownFirstMembers(ROOM).generation();
        bus.publish(new UserDisconnected(ROOM, CAT));
        hub.keepFirstMembers(ROOM, generation, FIRST, READS);
        assertThat(hub.knownFirstMembers(ROOM).members()).isNull();

        generation = hub.knownFirstMembers(ROOM).generation();
        bus.publish(new UserDisconnected(ROOM, CAT));
        FirstMembers withoutCat = new FirstMembers(List.of(AMY, EVE, GUS, ZOE), 99);
        hub.keepFirstMembers(ROOM, generation, withoutCat, READS);
        assertThat(hub.knownFirstMembers(ROOM).members()).isEqualTo(withoutCat);
    }

    @Test
    void givenMoreChangesWhileTheReadWasMadeThanAreRemembered_theReadIsNotKept() {
        long generation = hub.knownFirstMembers(ROOM).generation();
        for (int i = 0; i < 64; i++) {
            bus.publish(new UserConnected(ROOM, new Nickname("Zz" + i))); // each after the last of them
        }

        hub.keepFirstMembers(ROOM, generation, FIRST, READS);

        assertThat(hub.knownFirstMembers(ROOM).members()).isNull();
    }

    @Test
    void givenAReadAlreadyKept_aLaterOneDoesNotReplaceIt() {
        long generation = hub.knownFirstMembers(ROOM).generation();
        keepRead(FIRST);

        hub.keepFirstMembers(ROOM, generation, new FirstMembers(List.of(AMY, BEN, CAT, EVE), 101), READS);

        assertThat(hub.knownFirstMembers(ROOM).members()).isEqualTo(FIRST);
    }

    private void keepRead(FirstMembers read) {
        hub.keepFirstMembers(ROOM, hub.knownFirstMembers(ROOM).generation(), read, READS);
        assertThat(hub.knownFirstMembers(ROOM).members()).isEqualTo(read);
    }
}
