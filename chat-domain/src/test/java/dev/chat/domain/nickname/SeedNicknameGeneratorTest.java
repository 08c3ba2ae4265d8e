package dev.chat.domain.nickname;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.domain.model.Nickname;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SeedNicknameGeneratorTest {
    private final SeedNicknameGenerator generator = new SeedNicknameGenerator(new Random(42));

    @Test
    void givenManyNames_eachIsOptionalIntensifierThenAdjectiveThenCreature_capitalised() {
        Pattern shape = Pattern.compile("(" + alternatives(SeedNicknameGenerator.INTENSIFIERS) + ")?("
                + alternatives(SeedNicknameGenerator.ADJECTIVES) + ")("
                + alternatives(SeedNicknameGenerator.CREATURES) + ")");

        List<String> names = IntStream.range(0, 2_000)
                .mapToObj(i -> generator.next().value())
                .toList();

        assertThat(names).allMatch(name -> shape.matcher(name).matches(), "matches " + shape);
    }

    @Test
    void givenManyNames_aboutHalfStartWithAnIntensifier() {
        Pattern withIntensifier = Pattern.compile("(" + alternatives(SeedNicknameGenerator.INTENSIFIERS) + ")[A-Z].*");

        long intensified = IntStream.range(0, 4_000)
                .mapToObj(i -> generator.next().value())
                .filter(name -> withIntensifier.matcher(name).matches())
                .count();

        assertThat(intensified).isBetween(1_800L, 2_200L);
    }

    @Test
    void theSeedWordListsAreFixed_noMisspellingsNoDuplicates() {
        assertThat(SeedNicknameGenerator.INTENSIFIERS)
                .contains("particularly", "completely")
                .doesNotContain("particilarly", "complettely")
                .doesNotHaveDuplicates();
        assertThat(SeedNicknameGenerator.ADJECTIVES).doesNotHaveDuplicates().hasSize(29);
        assertThat(SeedNicknameGenerator.CREATURES).doesNotHaveDuplicates().hasSize(20);
    }

    @Test
    void givenSeedStyle_knownExamplesAreValidNicknames() {
        assertThat(new Nickname("QuiteBraveDragon").value()).isEqualTo("QuiteBraveDragon");
    }

    private static String alternatives(List<String> words) {
        return words.stream()
                .map(w -> Character.toUpperCase(w.charAt(0)) + w.substring(1))
                .collect(Collectors.joining("|"));
    }
}
