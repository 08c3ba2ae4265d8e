package dev.chat.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The benchmark encodes what a joiner of a big room gets: a member list of that many names, as a frame's bytes. */
class GreetingEncodingBenchmarkTest {
    @Test
    void givenTwoHundredNames_itEncodesAnActiveUsersFrameListingThemAll() throws Exception {
        GreetingEncodingBenchmark benchmark = new GreetingEncodingBenchmark();
        benchmark.names = 200;
        benchmark.makeTheList();

        JsonNode frame = new ObjectMapper().readTree(benchmark.encodeForAWebSocket());

        assertThat(frame.path("event").textValue()).isEqualTo("activeUsers");
        assertThat(frame.path("data").path("users")).hasSize(200);
        assertThat(frame.path("data").path("count").intValue()).isEqualTo(20_000);
    }
}
