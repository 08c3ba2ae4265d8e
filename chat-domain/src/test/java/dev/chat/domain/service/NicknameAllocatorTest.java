package dev.chat.domain.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chat.domain.memory.InMemorySessionStore;
import dev.chat.domain.model.ChatException;
import dev.chat.domain.model.ErrorCode;
import dev.chat.domain.model.Identity;
import dev.chat.domain.model.Nickname;
import dev.chat.domain.model.RoomName;
import dev.chat.domain.model.SessionRecord;
import dev.chat.domain.model.SessionToken;
import dev.chat.domain.port.out.SessionStore;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class NicknameAllocatorTest {
    private final InMemorySessionStore sessions = new InMemorySessionStore();

    @Test
    void givenAFreeGeneratedName_theSessionGetsIt_inTheRoomsAsked() {
        NicknameAllocator allocator = new NicknameAllocator(sessions, () -> new Nickname("LuckyParrot"));

        SessionRecord record = allocator.createSession(Set.of(RoomName.GENERAL), Identity.ANONYMOUS);

        assertThat(record.nickname()).isEqualTo(new Nickname("LuckyParrot"));
        assertThat(record.rooms()).containsExactly(RoomName.GENERAL);
        assertThat(sessions.find(record.token())).contains(record);
    }

    @Test
    void givenTheGeneratedNamesAreTaken_aNumberIsAppendedInTheSameStyle() {
        sessions.create(new SessionRecord(SessionToken.generate(), new Nickname("LuckyParrot"), Set.of()));
        NicknameAllocator allocator = new NicknameAllocator(sessions, () -> new Nickname("LuckyParrot"));

        Nickname given = allocator.createSession(Set.of(), Identity.ANONYMOUS).nickname();

        assertThat(given.value()).matches("LuckyParrot\\d+");
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

        assertThatThrownBy(() -> allocator.createSession(Set.of(), Identity.ANONYMOUS))
                .isInstanceOf(ChatException.class)
                .extracting(e -> ((ChatException) e).code())
                .isEqualTo(ErrorCode.UNAVAILABLE);
    }
}
