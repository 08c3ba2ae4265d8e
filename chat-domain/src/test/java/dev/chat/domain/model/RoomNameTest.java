package dev.chat.domain.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class RoomNameTest {
    @ParameterizedTest
    @ValueSource(
            strings = {"general", "a", "dev-ops_2", "0123456789012345678901234567890123456789012345678901234567890123"})
    void givenValidName_itIsAccepted(String name) {
        assertThat(RoomName.of(name).value()).isEqualTo(name);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(
            strings = {
                "",
                "General",
                "with space",
                "dots.not.allowed",
                "émoji",
                "room\u0661", // an Arabic-Indic digit: a digit, but not ASCII
                "a`", // the characters either side of the allowed ranges
                "a{",
                "a/",
                "a:",
                "a@",
                "a[",
                "01234567890123456789012345678901234567890123456789012345678901234"
            })
    void givenInvalidName_itIsRefusedWithInvalidRoom(String name) {
        assertThatThrownBy(() -> RoomName.of(name))
                .isInstanceOfSatisfying(
                        ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ROOM));
    }
}
