package dev.chat.domain.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NicknameTest {
    @ParameterizedTest
    @ValueSource(strings = {"QuiteBraveDragon", "a", "Z", "0", "Dragon42", "AZaz09"})
    void givenAsciiLettersAndDigits_itIsANickname(String value) {
        assertThat(new Nickname(value).value()).isEqualTo(value);
    }

    @Test
    void givenSixtyFourCharacters_itIsANickname_andSixtyFiveAreTooMany() {
        assertThat(new Nickname("x".repeat(64)).value()).hasSize(64);
        assertThatThrownBy(() -> new Nickname("x".repeat(65))).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "Quite Brave",
                "Quite-Brave",
                "Quite_Brave",
                "Drag\u00e9on",
                "\u0661\u0662", // Arabic-Indic digits: digits, but not ASCII
                "\uff21", // fullwidth A
                "name\n",
                "@",
                "[",
                "`",
                "{",
                "/",
                ":" // the characters next to the ASCII ranges
            })
    void givenAnythingElse_itIsRefused(String value) {
        assertThatThrownBy(() -> new Nickname(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1-64 letters or digits");
    }

    @Test
    void givenNull_itIsRefused() {
        assertThatThrownBy(() -> new Nickname(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
