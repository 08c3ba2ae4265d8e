package dev.chat.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The benchmark measures the real path: every member's queue gets every message posted. */
class RoomBroadcastBenchmarkTest {
    @Test
    void givenARoomOfTen_eachPostReachesEveryMembersQueue_andTheRunsOwnCheckPasses() {
        RoomBroadcastBenchmark benchmark = new RoomBroadcastBenchmark();
        benchmark.members = 10;
        benchmark.fillTheRoom();

        for (int i = 0; i < 5; i++) {
            benchmark.postToRoom();
        }

        assertThat(benchmark.messagesPerMember()).hasSize(10).containsOnly(5L);
        benchmark.checkEveryoneGotEveryMessage();
    }
}
