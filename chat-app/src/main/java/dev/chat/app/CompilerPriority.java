package dev.chat.app;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the JIT's optimising compiler behind the threads that serve clients, once the warm-up is done: the C2
 * compiler thread (and JDK 17's code cache sweeper) gets a higher nice value. It still gets the core whenever the
 * service leaves it idle, but a thread woken by a client no longer waits for it to give the core back. On one core
 * C2 compiles through a fresh server's first thousand messages, and a message that arrived meanwhile waited a
 * millisecond or more for the core: 7-12 % of them, the echo's whole tail (docs/performance-log.md, "The compiler
 * behind the service").
 *
 * <p>Linux only, where a thread's nice value is its own ({@code setpriority} on the thread's id); raising it needs no
 * privilege. Elsewhere, or where the C library cannot be reached, it does nothing and says so.
 */
final class CompilerPriority {
    private static final Logger log = LoggerFactory.getLogger(CompilerPriority.class);

    /** How the JVM names the threads to lower, as Linux keeps them (their first 15 characters). */
    private static final List<String> BACKGROUND_THREADS = List.of("C2 CompilerThre", "Sweeper thread");

    private static final int PRIO_PROCESS = 0;

    /** The one C call this needs. */
    interface CLibrary extends Library {
        int setpriority(int which, int who, int prio);
    }

    /**
     * What was done.
     *
     * @param lowered the ids of the threads now at the asked nice value
     * @param failed the ids of those that refused it
     */
    record Result(List<Integer> lowered, List<Integer> failed) {
        static final Result NOTHING = new Result(List.of(), List.of());
    }

    private CompilerPriority() {}

    /** Lowers this JVM's compiler threads to {@code niceness} (1-19); 0 leaves them as they are. */
    static Result lower(int niceness) {
        if (niceness == 0) {
            return Result.NOTHING;
        }
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            log.debug("no {}: the compiler keeps its priority", tasks);
            return Result.NOTHING;
        }
        CLibrary c;
        try {
            c = Native.load("c", CLibrary.class);
        } catch (LinkageError | RuntimeException e) { // no native library, or none JNA could unpack (a read-only /tmp)
            log.info("the C library is out of reach ({}): the compiler keeps its priority", e.toString());
            return Result.NOTHING;
        }
        List<Integer> lowered = new ArrayList<>();
        List<Integer> failed = new ArrayList<>();
        for (int thread : backgroundThreads(tasks)) {
            if (c.setpriority(PRIO_PROCESS, thread, niceness) == 0) {
                lowered.add(thread);
            } else {
                failed.add(thread);
            }
        }
        log.info(
                "compiler threads {} at nice {} (CHAT_COMPILER_NICE){}",
                lowered,
                niceness,
                failed.isEmpty() ? "" : "; refused for " + failed);
        return new Result(List.copyOf(lowered), List.copyOf(failed));
    }

    /** The ids of the threads under {@code tasks} (a {@code /proc/PID/task} directory) that are the compiler's. */
    static List<Integer> backgroundThreads(Path tasks) {
        List<Integer> threads = new ArrayList<>();
        try (Stream<Path> entries = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) entries::iterator) {
                String name = threadName(task);
                if (name != null && BACKGROUND_THREADS.stream().anyMatch(name::startsWith)) {
                    threads.add(Integer.parseInt(task.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads.sort(null);
        return threads;
    }

    /** A thread's name, or null when it ended while being listed. */
    private static String threadName(Path task) {
        try {
            return Files.readString(task.resolve("comm")).strip();
        } catch (IOException ended) {
            return null;
        }
    }
}
