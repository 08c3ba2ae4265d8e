package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CompilerQuietTest {
    @Test
    void eachWindowCountsTheCompilersWorkSinceTheLast() {
        AtomicLong compiled = new AtomicLong(700); // what it did before the warm-up does not count
        CompilerQuiet compiler = new CompilerQuiet(compiled::get);

        compiled.addAndGet(900);
        long first = compiler.endWindow();
        compiled.addAndGet(30);
        long second = compiler.endWindow();

        assertThat(first).isEqualTo(900);
        assertThat(second).isEqualTo(30);
    }

    @Test
    void underATwentiethOfAWindowIsQuiet() {
        long window = CompilerQuiet.WINDOW.toMillis();

        assertThat(CompilerQuiet.isQuiet(0)).isTrue();
        assertThat(CompilerQuiet.isQuiet(window / 20 - 1)).isTrue();
        assertThat(CompilerQuiet.isQuiet(window / 20)).isFalse();
        assertThat(CompilerQuiet.isQuiet(window)).isFalse();
    }

    @Test
    void thisJvmTellsItsCompilersWork() {
        CompilerQuiet compiler = CompilerQuiet.ofThisJvm();

        assertThat(compiler).as("HotSpot measures its compile time").isNotNull();
        assertThat(compiler.endWindow()).isNotNegative();
    }
}
