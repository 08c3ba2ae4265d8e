package dev.chat.domain.port.out;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StoreWaitsTest {
    @Test
    void givenATurnHeld_aStoreCallGivesItUpWhileItWaits_andTakesItBackBeforeGoingOn() {
        RecordingTurn turn = new RecordingTurn();

        String result = StoreWaits.holding(turn, () -> {
            turn.log.add("work");
            String answer = StoreWaits.waiting(() -> {
                turn.log.add("store call");
                return "answer";
            });
            turn.log.add("more work");
            return answer;
        });

        assertThat(result).isEqualTo("answer");
        assertThat(turn.log).containsExactly("work", "give up", "store call", "take back", "more work");
    }

    @Test
    void givenNoTurnHeld_aStoreCallRunsAsIs() {
        assertThat(StoreWaits.waiting(() -> "answer")).isEqualTo("answer");
    }

    @Test
    void givenAStoreCallThatFails_theTurnIsTakenBackBeforeTheFailureGoesOn() {
        RecordingTurn turn = new RecordingTurn();

        assertThatThrownBy(() -> StoreWaits.holding(
                        turn,
                        () -> StoreWaits.waiting(() -> {
                            throw new IllegalStateException("store down");
                        })))
                .hasMessage("store down");

        assertThat(turn.log).containsExactly("give up", "take back");
    }

    @Test
    void givenCallsNestedInAStoreCall_orWorkKeepingItsTurn_nothingMoreIsGivenUp() {
        RecordingTurn turn = new RecordingTurn();

        StoreWaits.holding(turn, () -> {
            StoreWaits.waiting(() -> StoreWaits.waiting(() -> "nested"));
            StoreWaits.keepingTurn(() -> StoreWaits.waiting(() -> "under a lock"));
            return StoreWaits.waiting(() -> "after");
        });

        assertThat(turn.log).containsExactly("give up", "take back", "give up", "take back");
    }

    @Test
    void givenTheWorkDone_theThreadHoldsNoTurnAnyMore() {
        RecordingTurn turn = new RecordingTurn();
        StoreWaits.holding(turn, () -> "done");

        StoreWaits.waiting(() -> "later");

        assertThat(turn.log).isEmpty();
    }
}
