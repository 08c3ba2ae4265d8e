package dev.chat.domain.contract;

import static dev.chat.domain.contract.ContractSupport.uniqueRoom;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.chat.domain.model.ChatMessage;
import dev.chat.domain.model.HistorySlice;
import dev.chat.domain.model.MessageDraft;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomEvent;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.model.UserConnected;
import dev.chat.domain.port.out.EventBus;
import dev.chat.domain.port.out.MessageHistory;
import dev.chat.domain.port.out.PresenceStore;
import dev.chat.domain.port.out.RoomEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RoomEntry} must do: what the presence add with its first members, then the history's latest
 * messages, would give, on the stores it works with; and the room hears of an arrival once, on its bus.
 */
public abstract class RoomEntryContract {
    private static final Nickname AMY = new Nickname("AmyAnt");
    private static final Nickname BEN = new Nickname("BenBear");
    private static final Nickname MIA = new Nickname("MiaMoth");
    private static final Nickname ZED = new Nickname("ZedZebra");

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** An entry, the stores it adds to and reads from, and the bus it announces on. */
    public record Stores(RoomEntry entry, PresenceStore presence, MessageHistory history, EventBus bus) {}

    /** Fresh stores keeping the latest {@code historyCapacity} messages per room. */
    protected abstract Stores createStores(int historyCapacity);

    @Test
    void givenAnEmptyRoom_theJoinerArrivesListedAlone_atTheRoomsPositionWithNoMessages() {
        Stores stores = createStores(10);
        RoomName room = uniqueRoom();

        RoomEntry.Entered entered = stores.entry().enter(room, BEN, SessionToken.generate(), 10, 5);

        assertThat(entered.arrived()).isTrue();
        assertThat(entered.first().members()).containsExactly(BEN);
        assertThat(entered.first().count()).isEqualTo(1);
        assertThat(entered.latest().messages()).isEmpty();
        assertThat(entered.latest().lastSeq()).isZero();
        assertThat(entered.latest().complete()).isTrue();
        assertThat(entered.latest().epoch())
                .isEqualTo(stores.history().position(room).epoch());
        assertThat(stores.presence().members(room)).containsExactly(BEN);
    }

    @Test
    void givenNoMembersAsked_theJoinerIsAddedAndCounted_andNoMemberIsRead() {
        Stores stores = createStores(10);
        RoomName room = uniqueRoom();
        stores.presence().add(room, AMY, SessionToken.generate());
        stores.presence().add(room, ZED, SessionToken.generate());
        stores.history().append(draft(room, "m1"));

        RoomEntry.Entered entered = stores.entry().enter(room, BEN, SessionToken.generate(), 0, 3);

        assertThat(entered.arrived()).isTrue();
        assertThat(entered.first().members()).isEmpty();
        assertThat(entered.first().count()).isEqualTo(3);
        assertThat(entered.latest().messages()).extracting(ChatMessage::text).containsExactly("m1");
        assertThat(stores.presence().members(room)).containsExactly(AMY, BEN, ZED);
        // a read after it lists everyone
        assertThat(stores.presence().firstMembers(room, 10).members()).containsExactly(AMY, BEN, ZED);
    }

    @Test
    void givenMembersAndMessages_theJoinerGetsTheFirstMembersWithTheCount_andTheLatestMessages() {
        Stores stores = createStores(10);
        RoomName room = uniqueRoom();
        stores.presence().add(room, AMY, SessionToken.generate());
        stores.presence().add(room, MIA, SessionToken.generate());
        stores.presence().add(room, ZED, SessionToken.generate());
        for (int i = 1; i <= 5; i++) {
            stores.history().append(draft(room, "m" + i));
        }

        RoomEntry.Entered entered = stores.entry().enter(room, BEN, SessionToken.generate(), 2, 3);

        assertThat(entered.arrived()).isTrue();
        assertThat(entered.first().members()).containsExactly(AMY, BEN);
        assertThat(entered.first().count()).isEqualTo(4);
        HistorySlice latest = entered.latest();
        assertThat(latest.messages()).extracting(ChatMessage::seq).containsExactly(3L, 4L, 5L);
        assertThat(latest.messages()).extracting(ChatMessage::text).containsExactly("m3", "m4", "m5");
        assertThat(latest.lastSeq()).isEqualTo(5);
        assertThat(latest.complete()).isTrue();
        assertThat(latest.epoch()).isEqualTo(stores.history().position(room).epoch());
    }

    @Test
    void givenAnotherSessionOfTheMemberThere_itDoesNotArriveAgain_andStaysUntilItsLastSessionLeaves() {
        Stores stores = createStores(10);
        RoomName room = uniqueRoom();
        SessionToken firstTab = SessionToken.generate();
        SessionToken secondTab = SessionToken.generate();
        stores.presence().add(room, AMY, firstTab);

        RoomEntry.Entered entered = stores.entry().enter(room, AMY, secondTab, 10, 5);

        assertThat(entered.arrived()).isFalse();
        assertThat(entered.first().members()).containsExactly(AMY);
        assertThat(entered.first().count()).isEqualTo(1);
        assertThat(stores.presence().remove(room, AMY, firstTab)).isFalse();
        assertThat(stores.presence().remove(room, AMY, secondTab)).isTrue();
    }

    @Test
    void givenAnArrival_theRoomHearsItOnce_butNotASecondTabOfAMemberAlreadyThere() {
        Stores stores = createStores(10);
        RoomName room = uniqueRoom();
        List<RoomEvent> heard = new CopyOnWriteArrayList<>();
        stores.bus().subscribe(room, heard::add);

        stores.entry().enter(room, AMY, SessionToken.generate(), 10, 5);
        stores.entry().enter(room, AMY, SessionToken.generate(), 10, 5);
        stores.entry().enter(room, BEN, SessionToken.generate(), 10, 5); // the bus keeps a room's order: after Amy's

        await().atMost(TIMEOUT).until(() -> heard.contains(new UserConnected(room, BEN)));
        assertThat(heard).containsExactly(new UserConnected(room, AMY), new UserConnected(room, BEN));
    }

    @Test
    void givenAnEntryWithoutWaiting_itGivesWhatEnterGives_andTheRoomHearsTheArrivalOnce() throws Exception {
        Stores stores = createStores(10);
        RoomName room = uniqueRoom();
        List<RoomEvent> heard = new CopyOnWriteArrayList<>();
        stores.bus().subscribe(room, heard::add);
        stores.presence().add(room, AMY, SessionToken.generate());
        stores.history().append(draft(room, "m1"));

        RoomEntry.Entered entered = stores.entry()
                .enterAsync(room, BEN, SessionToken.generate(), 10, 5)
                .toCompletableFuture()
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        RoomEntry.Entered again = stores.entry()
                .enterAsync(room, BEN, SessionToken.generate(), 10, 5)
                .toCompletableFuture()
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        assertThat(entered.arrived()).isTrue();
        assertThat(entered.first().members()).containsExactly(AMY, BEN);
        assertThat(entered.first().count()).isEqualTo(2);
        assertThat(entered.latest().messages()).extracting(ChatMessage::text).containsExactly("m1");
        assertThat(again.arrived()).as("a second tab of a member already there").isFalse();
        assertThat(stores.presence().members(room)).containsExactly(AMY, BEN);
        await().atMost(TIMEOUT).until(() -> heard.contains(new UserConnected(room, BEN)));
        assertThat(heard).filteredOn(UserConnected.class::isInstance).containsExactly(new UserConnected(room, BEN));
    }

    @Test
    void givenTrimmedMessages_theLatestAreMarkedIncomplete_andNoneAreAskedFor_onlyThePosition() {
        Stores stores = createStores(3);
        RoomName room = uniqueRoom();
        for (int i = 1; i <= 5; i++) {
            stores.history().append(draft(room, "m" + i));
        }

        HistorySlice trimmed =
                stores.entry().enter(room, AMY, SessionToken.generate(), 10, 5).latest();
        HistorySlice none =
                stores.entry().enter(room, BEN, SessionToken.generate(), 10, 0).latest();

        assertThat(trimmed.messages()).extracting(ChatMessage::seq).containsExactly(3L, 4L, 5L);
        assertThat(trimmed.complete()).isFalse();
        assertThat(none.messages()).isEmpty();
        assertThat(none.lastSeq()).isEqualTo(5);
        assertThat(none.complete()).isTrue();
    }

    private static MessageDraft draft(RoomName room, String text) {
        return new MessageDraft(room, text + "-id", new Nickname("ContractAuthor"), text, Instant.EPOCH, null);
    }
}
