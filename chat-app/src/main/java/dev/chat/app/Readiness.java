package dev.chat.app;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether this node accepts clients now, and if not, why: {@code GET /ready} for load balancers. Not ready while
 * starting, while draining, or while a check fails (Redis, when configured, must answer). Thread-safe.
 */
final class Readiness {
    /** Something the node needs to serve clients; {@link #problem} says what is wrong, empty when all is well. */
    interface Check {
        Optional<String> problem();
    }

    private enum Phase {
        STARTING,
        SERVING,
        DRAINING
    }

    private final Set<Check> checks;
    private volatile Phase phase = Phase.STARTING;

    Readiness(Set<Check> checks) {
        this.checks = Set.copyOf(requireNonNull(checks, "checks"));
    }

    void serving() {
        phase = Phase.SERVING;
    }

    void draining() {
        phase = Phase.DRAINING;
    }

    boolean isDraining() {
        return phase == Phase.DRAINING;
    }

    /** Why the node is not ready; empty when it is. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        switch (phase) {
            case STARTING -> problems.add("starting");
            case DRAINING -> problems.add("draining");
            case SERVING -> {
                // ready, unless a check says otherwise
            }
        }
        for (Check check : checks) {
            try {
                check.problem().ifPresent(problems::add);
            } catch (RuntimeException e) {
                problems.add("check failed: " + e.getMessage());
            }
        }
        return problems;
    }
}
