package dev.chat.domain.model;

import java.util.Set;

/**
 * Immutable sets replaced on each change, for the few sessions a nickname has or the few rooms a session is in:
 * {@code Set.of} holds one or two in 24 bytes where a {@code HashSet} takes about 180 (a concurrent set more), and a
 * node keeps such sets for each connection. Readers see a whole set, never one being changed.
 */
public final class SmallSets {
    private SmallSets() {}

    /** {@code set} with {@code element} added: {@code set} itself when it has it already. */
    public static <E> Set<E> with(Set<E> set, E element) {
        if (set.contains(element)) {
            return set;
        }
        @SuppressWarnings("unchecked")
        E[] more = (E[]) set.toArray(new Object[set.size() + 1]);
        more[set.size()] = element;
        return Set.of(more);
    }

    /** {@code set} without {@code element}: {@code set} itself when it does not have it. */
    public static <E> Set<E> without(Set<E> set, E element) {
        if (!set.contains(element)) {
            return set;
        }
        @SuppressWarnings("unchecked")
        E[] fewer = (E[]) new Object[set.size() - 1];
        int next = 0;
        for (E kept : set) {
            if (!kept.equals(element)) {
                fewer[next++] = kept;
            }
        }
        return Set.of(fewer);
    }
}
