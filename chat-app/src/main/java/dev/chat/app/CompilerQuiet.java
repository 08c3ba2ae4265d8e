package dev.chat.app;

import static java.util.Objects.requireNonNull;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Tells when the JIT compiler has gone quiet: it spent less than a twentieth of a window compiling. The warm-up ends
 * there, since what its traffic runs is compiled by then. How long that takes depends on the machine: on one busy
 * core the compiler competes with the traffic it compiles for, and a fixed five seconds left the connect path
 * uncompiled (docs/performance-log.md, "A warm-up that lasts until the compiler is done").
 */
final class CompilerQuiet {
    /** How often the compiler's work is read. */
    static final Duration WINDOW = Duration.ofSeconds(1);
    /** Compiling for less than this share of a window, per mille, counts as quiet. */
    static final int QUIET_PER_MILLE = 50;

    private final LongSupplier compileMillis;
    private long atWindowStart;

    /** @param compileMillis the compiler's total time spent so far, in milliseconds */
    CompilerQuiet(LongSupplier compileMillis) {
        this.compileMillis = requireNonNull(compileMillis, "compileMillis");
        this.atWindowStart = compileMillis.getAsLong();
    }

    /** This JVM's compiler, or null if the JVM does not measure its compile time (-Xint, some VMs). */
    static CompilerQuiet ofThisJvm() {
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        if (compiler == null || !compiler.isCompilationTimeMonitoringSupported()) {
            return null;
        }
        return new CompilerQuiet(compiler::getTotalCompilationTime);
    }

    /** Call at the end of each {@link #WINDOW}: how long the compiler worked in it, in milliseconds. */
    long endWindow() {
        long now = compileMillis.getAsLong();
        long worked = now - atWindowStart;
        atWindowStart = now;
        return worked;
    }

    /** Whether {@code worked} milliseconds of compiling in one {@link #WINDOW} is quiet. */
    static boolean isQuiet(long worked) {
        return worked * 1000 < WINDOW.toMillis() * QUIET_PER_MILLE;
    }
}
