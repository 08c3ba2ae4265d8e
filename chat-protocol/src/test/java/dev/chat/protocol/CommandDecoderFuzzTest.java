package dev.chat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Whatever a client sends, the decoder answers with a command or a rejection carrying an error code, never another
 * exception. Regression inputs (src/test/resources/.../CommandDecoderFuzzTestInputs) run in every build.
 */
class CommandDecoderFuzzTest {
    private final CommandDecoder decoder = new CommandDecoder();

    @FuzzTest(maxDuration = "2m")
    void anyFrameIsACommandOrARejectionWithACode(byte[] input) {
        String frame = new String(input, java.nio.charset.StandardCharsets.UTF_8);
        try {
            assertThat(decoder.decode(frame)).isNotNull();
        } catch (RejectedCommandException rejected) {
            assertThat(rejected.code()).isNotNull();
        }
    }
}
