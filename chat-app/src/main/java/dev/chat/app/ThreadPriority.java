package dev.chat.app;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.chat.store.redis.RedisStores;
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
 * Puts background threads behind the threads that serve clients, by raising their nice value. Each still gets all of an
 * idle core and a smaller share of a busy one, so a thread woken by a client waits less for it to give the core back.
 *
 * <ul>
 *   <li>The JIT's optimising compiler (C2, and JDK 17's code cache sweeper), once the warm-up is done. On one core C2
 *       compiles through a fresh server's first thousand messages, and a message that arrived meanwhile waited a
 *       millisecond or more for the core: 7-12 % of them, the echo's whole tail (docs/performance-log.md, "The
 *       compiler behind the service").
 *   <li>The thread that opens new WebSocket connections over Redis ({@link RedisStores#OPENING_THREAD}). In a crowd
 *       joining a room, the room's messages fan out on one thread too, and the two shared the core evenly: the
 *       members' messages waited behind the newcomers' welcomes. Behind the fan-out, the messages' p99 fell to about half
 *       and the crowd joined at three quarters of the rate, where the default admission (250 connects a second) never
 *       lets a node open that fast anyway (docs/performance-log.md, "Newcomers behind the room").
 * </ul>
 *
 * <p>Linux only, where a thread's nice value is its own ({@code setpriority} on the thread's id); raising it needs no
 * privilege. Elsewhere, or where the C library cannot be reached, it does nothing and says so.
 */
final class ThreadPriority {
    private static final Logger log = LoggerFactory.getLogger(ThreadPriority.class);

    /** The compiler's threads, named as Linux keeps them (their first 15 characters). */
    static final List<String> COMPILER = List.of("C2 CompilerThre", "Sweeper thread");
    /** The thread that opens connections over Redis. */
    static final List<String> OPENINGS = List.of(RedisStores.OPENING_THREAD);

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

    private ThreadPriority() {}

    /** Lowers this JVM's compiler threads to {@code niceness} (1-19); 0 leaves them as they are. */
    static Result lowerCompiler(int niceness) {
        return lower(COMPILER, niceness, "compiler", "CHAT_COMPILER_NICE");
    }

    /** Lowers the thread that opens connections over Redis (if this node has one) to {@code niceness}. */
    static Result lowerOpenings(int niceness) {
        return lower(OPENINGS, niceness, "opening", "CHAT_OPENING_NICE");
    }

    /**
     * Lowers this JVM's threads named (as Linux keeps them) by one of {@code names} to {@code niceness} (1-19); 0 leaves
     * them as they are. {@code what} and {@code setting} are for the log.
     */
    private static Result lower(List<String> names, int niceness, String what, String setting) {
        if (niceness == 0) {
            return Result.NOTHING;
        }
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            log.debug("no {}: the {} threads keep their priority", tasks, what);
            return Result.NOTHING;
        }
        List<Integer> named = threadsNamed(tasks, names);
        if (named.isEmpty()) {
            return Result.NOTHING; // none here: an in-memory node has no opening thread
        }
        CLibrary c;
        try {
            c = Native.load("c", CLibrary.class);
        } catch (LinkageError | RuntimeException e) { // no native library, or none JNA could unpack (a read-only /tmp)
            log.info("the C library is out of reach ({}): the {} threads keep their priority", e.toString(), what);
            return Result.NOTHING;
        }
        List<Integer> lowered = new ArrayList<>();
        List<Integer> failed = new ArrayList<>();
        for (int thread : named) {
            if (c.setpriority(PRIO_PROCESS, thread, niceness) == 0) {
                lowered.add(thread);
            } else {
                failed.add(thread);
            }
        }
        log.info(
                "{} threads {} at nice {} ({}){}",
                what,
                lowered,
                niceness,
                setting,
                failed.isEmpty() ? "" : "; refused for " + failed);
        return new Result(List.copyOf(lowered), List.copyOf(failed));
    }

    /** The ids of the threads under {@code tasks} (a {@code /proc/PID/task} directory) named by one of {@code names}. */
    static List<Integer> threadsNamed(Path tasks, List<String> names) {
        List<Integer> threads = new ArrayList<>();
        try (Stream<Path> entries = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) entries::iterator) {
                String name = threadName(task);
                if (name != null && names.stream().anyMatch(name::startsWith)) {
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
