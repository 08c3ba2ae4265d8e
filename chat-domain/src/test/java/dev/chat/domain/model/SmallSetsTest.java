package dev.chat.domain.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class SmallSetsTest {
    @Test
    void givenElementsAddedAndRemoved_theSetFollows_andIsNeverChangedInPlace() {
        Set<String> one = SmallSets.with(Set.of(), "a");
        Set<String> three = SmallSets.with(SmallSets.with(one, "b"), "c");
        Set<String> two = SmallSets.without(three, "b");

        assertThat(one).containsExactly("a");
        assertThat(three).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(two).containsExactlyInAnyOrder("a", "c");
        assertThat(SmallSets.without(SmallSets.without(two, "a"), "c")).isEmpty();
        assertThatThrownBy(() -> two.add("d")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void givenNoChange_theSameSetComesBack() {
        Set<String> set = Set.of("a", "b");

        assertThat(SmallSets.with(set, "a")).isSameAs(set);
        assertThat(SmallSets.without(set, "z")).isSameAs(set);
    }
}
