package dev.chat.domain.nickname;

import static java.util.Objects.requireNonNull;

import dev.chat.domain.model.Nickname;
import dev.chat.domain.port.out.NicknameGenerator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Nicknames in the seed talk's style: an optional intensifier (half of the time), an adjective and a creature,
 * each capitalised, e.g. {@code QuiteBraveDragon} or {@code LuckyParrot}. The seed's word lists, with its
 * misspellings ("particilarly", "complettely") fixed and its duplicate ("totally") removed.
 */
public final class SeedNicknameGenerator implements NicknameGenerator {
    static final List<String> INTENSIFIERS =
            List.of("absolutely", "quite", "totally", "utterly", "particularly", "completely", "really");
    static final List<String> ADJECTIVES = List.of(
            "great",
            "cool",
            "ambitious",
            "generous",
            "cute",
            "dear",
            "nice",
            "reliable",
            "solid",
            "trusty",
            "simple",
            "pure",
            "brave",
            "manly",
            "fearless",
            "artful",
            "vivid",
            "utopic",
            "lucid",
            "radiant",
            "stinky",
            "supreme",
            "successful",
            "holly",
            "happy",
            "giant",
            "lucky",
            "weird",
            "extreme");
    static final List<String> CREATURES = List.of(
            "phoenix",
            "centaur",
            "mermaid",
            "leviathan",
            "dragon",
            "pegasus",
            "siren",
            "hydra",
            "sphinx",
            "unicorn",
            "wyvern",
            "behemoth",
            "griffon",
            "dodo",
            "mammoth",
            "pirate",
            "eminem",
            "hacker",
            "parrot",
            "derp");

    private final RandomGenerator random;

    public SeedNicknameGenerator(RandomGenerator random) {
        this.random = requireNonNull(random, "random");
    }

    @Override
    public Nickname next() {
        StringBuilder name = new StringBuilder(40);
        if (random.nextBoolean()) {
            name.append(capitalised(pick(INTENSIFIERS)));
        }
        name.append(capitalised(pick(ADJECTIVES))).append(capitalised(pick(CREATURES)));
        return new Nickname(name.toString());
    }

    private String pick(List<String> words) {
        return words.get(random.nextInt(words.size()));
    }

    private static String capitalised(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }
}
