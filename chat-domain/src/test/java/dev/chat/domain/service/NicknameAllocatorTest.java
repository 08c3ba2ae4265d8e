package dev.chat.domain.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.domain.memory.InMemorySessionStore;
import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.Identity;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomAccess;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SessionRecord;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.SessionStore;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class NicknameAllocatorTest {
    private final InMemorySessionStore sessions = new InMemorySessionStore();

    @Test
    void givenAFreeGeneratedName_theSessionGetsIt_inTheRoomsAsked() {
        NicknameAllocator allocator = new NicknameAllocator(sessions, () -> new Nickname("LuckyParrot"));

        SessionRecord record = create(allocator, Set.of(RoomName.GENERAL), Identity.ANONYMOUS);

        assertThat(record.nickname()).isEqualTo(new Nickname("LuckyParrot"));
        assertThat(record.rooms()).containsExactly(RoomName.GENERAL);
        assertThat(sessions.find(record.token())).contains(record);
    }

    @Test
    void givenTheGeneratedNamesAreTaken_aNumberIsAppendedInTheSameStyle() {
        sessions.create(new SessionRecord(SessionToken.generate(), new Nickname("LuckyParrot"), Set.of()));
        NicknameAllocator allocator = new NicknameAllocator(sessions, () -> new Nickname("LuckyParrot"));

        Nickname given = create(allocator, Set.of(), Identity.ANONYMOUS).nickname();

        assertThat(given.value()).matches("LuckyParrot\\d+");
    }

    @Test
    void givenThePlainNamesCrowded_mostSessionsGoStraightToANumberedName_andPlainOnesReturnOnceFree() {
        sessions.create(new SessionRecord(SessionToken.generate(), new Nickname("LuckyParrot"), Set.of()));
        Map<Nickname, Integer> tries = new ConcurrentHashMap<>();
        SessionStore counting = countingCreates(tries);
        Deque<Nickname> names = new ArrayDeque<>();
        NicknameAllocator allocator =
                new NicknameAllocator(counting, () -> names.isEmpty() ? new Nickname("LuckyParrot") : names.remove());

        create(allocator, Set.of(), Identity.ANONYMOUS);
        assertThat(tries.remove(new Nickname("LuckyParrot"))).isEqualTo(NicknameAllocator.PLAIN_NICKNAME_ATTEMPTS);
        create(allocator, Set.of(), Identity.ANONYMOUS); // the share of free names falls below a tenth
        tries.clear();
        for (int i = 0; i < 2 * NicknameAllocator.CROWDED_TRY_EVERY; i++) {
            assertThat(create(allocator, Set.of(), Identity.ANONYMOUS)
                            .nickname()
                            .value())
                    .matches("LuckyParrot\\d+");
        }
        assertThat(tries.get(new Nickname("LuckyParrot")))
                .as("one plain name tried per %d sessions", NicknameAllocator.CROWDED_TRY_EVERY)
                .isEqualTo(2);

        // People with other names come: the plain names are free again, and the next session that tries one gets it.
        for (char letter = 'A'; letter <= 'Z'; letter++) {
            names.add(new Nickname("BraveDragon" + letter));
        }
        List<String> given = new ArrayList<>();
        while (given.size() < NicknameAllocator.CROWDED_TRY_EVERY
                && given.stream().noneMatch(name -> name.matches("BraveDragon[A-Z]"))) {
            given.add(create(allocator, Set.of(), Identity.ANONYMOUS).nickname().value());
        }
        assertThat(given).anyMatch(name -> name.matches("BraveDragon[A-Z]"));
        assertThat(create(allocator, Set.of(), Identity.ANONYMOUS).nickname().value())
                .as("no longer crowded: the next session tries a plain name first")
                .matches("BraveDragon[A-Z]");
    }

    @Test
    void givenThePlainNamesCrowded_signedInUsersWhoseNameIsHeldTakeNoTurn_fromNewcomersTryingAGeneratedName() {
        sessions.create(new SessionRecord(SessionToken.generate(), new Nickname("LuckyParrot"), Set.of()));
        Map<Nickname, Integer> tries = new ConcurrentHashMap<>();
        NicknameAllocator allocator = new NicknameAllocator(countingCreates(tries), () -> new Nickname("LuckyParrot"));
        create(allocator, Set.of(), Identity.ANONYMOUS);
        create(allocator, Set.of(), Identity.ANONYMOUS); // the share of free names falls below a tenth
        tries.clear();

        for (int i = 0; i < NicknameAllocator.CROWDED_TRY_EVERY; i++) {
            Nickname held = new Nickname("Member" + (char) ('A' + i));
            sessions.create(new SessionRecord(SessionToken.generate(), held, Set.of()));
            Identity signedIn = Identity.signedIn("user-" + i, held, RoomAccess.EVERY_ROOM, Instant.MAX);
            assertThat(create(allocator, Set.of(), signedIn).nickname().value())
                    .as("a number added to the user's own name")
                    .matches(held.value() + "\\d+");
            create(allocator, Set.of(), Identity.ANONYMOUS);
        }

        assertThat(tries.get(new Nickname("LuckyParrot")))
                .as(
                        "one generated name tried per %d newcomers, however many signed-in users came between",
                        NicknameAllocator.CROWDED_TRY_EVERY)
                .isEqualTo(1);
    }

    /** The in-memory store, counting the creates tried per nickname. */
    private SessionStore countingCreates(Map<Nickname, Integer> tries) {
        return new SessionStore() {
            @Override
            public boolean create(SessionRecord session) {
                tries.merge(session.nickname(), 1, Integer::sum);
                return sessions.create(session);
            }

            @Override
            public Optional<SessionRecord> find(SessionToken token) {
                return sessions.find(token);
            }

            @Override
            public Optional<SessionRecord> claim(SessionToken token) {
                return sessions.claim(token);
            }

            @Override
            public void update(SessionRecord session) {
                sessions.update(session);
            }

            @Override
            public Released release(SessionToken token) {
                return sessions.release(token);
            }

            @Override
            public boolean isNicknameTaken(Nickname nickname) {
                return sessions.isNicknameTaken(nickname);
            }

            @Override
            public void disown(SessionToken token) {
                sessions.disown(token);
            }

            @Override
            public void onTakenOver(Consumer<SessionToken> listener) {
                sessions.onTakenOver(listener);
            }
        };
    }

    @Test
    void givenEveryNameTaken_itSaysUnavailable_andStoresNothing() {
        NicknameAllocator allocator = new NicknameAllocator(
                new SessionStore() {
                    @Override
                    public boolean create(SessionRecord session) {
                        return false;
                    }

                    @Override
                    public Optional<SessionRecord> find(SessionToken token) {
                        return Optional.empty();
                    }

                    @Override
                    public Optional<SessionRecord> claim(SessionToken token) {
                        return Optional.empty();
                    }

                    @Override
                    public void update(SessionRecord session) {}

                    @Override
                    public Released release(SessionToken token) {
                        return Released.ALREADY_GONE;
                    }

                    @Override
                    public boolean isNicknameTaken(Nickname nickname) {
                        return true;
                    }

                    @Override
                    public void disown(SessionToken token) {}

                    @Override
                    public void onTakenOver(Consumer<SessionToken> listener) {}
                },
                () -> new Nickname("LuckyParrot"));

        assertThatThrownBy(() -> create(allocator, Set.of(), Identity.ANONYMOUS))
                .isInstanceOf(ChatException.class)
                .extracting(e -> ((ChatException) e).code())
                .isEqualTo(ErrorCode.UNAVAILABLE);
    }

    private static SessionRecord create(NicknameAllocator allocator, Set<RoomName> rooms, Identity identity) {
        return Stages.join(allocator.createSession(rooms, identity));
    }
}
