package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class ThreadPriorityTest {

    @Test
    void givenAProcessesThreads_theOptimisingCompilerAndTheSweeperAreChosen_andNoOtherThread(@TempDir Path tasks)
            throws IOException {
        thread(tasks, 101, "C2 CompilerThre");
        thread(tasks, 102, "C1 CompilerThre");
        thread(tasks, 103, "JettyServerThre");
        thread(tasks, 104, "Sweeper thread");
        thread(tasks, 95, "C2 CompilerThre");
        Files.createDirectory(tasks.resolve("106")); // a thread that ended while the list was read: no comm left

        assertThat(ThreadPriority.threadsNamed(tasks, ThreadPriority.COMPILER)).containsExactly(95, 101, 104);
    }

    @Test
    void givenAProcessesThreads_theOpeningThreadIsChosen_andNoOtherThread(@TempDir Path tasks) throws IOException {
        thread(tasks, 201, "redis-replies");
        thread(tasks, 202, "redis-subscribe");
        thread(tasks, 203, "redis-room-deli");
        thread(tasks, 204, "C2 CompilerThre");

        assertThat(ThreadPriority.threadsNamed(tasks, ThreadPriority.OPENINGS)).containsExactly(201);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void givenZero_noThreadsNiceValueChanges() throws IOException {
        List<Integer> before = compilerNiceValues();

        assertThat(ThreadPriority.lowerCompiler(0)).isEqualTo(ThreadPriority.Result.NOTHING);

        assertThat(compilerNiceValues()).isNotEmpty().isEqualTo(before);
    }

    @Test
    @EnabledOnOs(OS.LINUX) // a thread's nice value is its own only on Linux
    void givenThisJvm_itsCompilerThreadsGetTheNiceValue_andTheCallersThreadKeepsItsOwn() throws IOException {
        int callersNice = nice(Path.of("/proc/thread-self/stat"));

        ThreadPriority.Result result = ThreadPriority.lowerCompiler(7);

        assertThat(result.failed()).isEmpty();
        assertThat(result.lowered()).isNotEmpty(); // a JVM with its JIT compiler has a C2 thread
        for (int thread : result.lowered()) {
            assertThat(nice(Path.of("/proc/self/task", Integer.toString(thread), "stat")))
                    .as("nice value of thread %d", thread)
                    .isEqualTo(7);
        }
        assertThat(nice(Path.of("/proc/thread-self/stat"))).isEqualTo(callersNice);
    }

    private static List<Integer> compilerNiceValues() throws IOException {
        List<Integer> values = new ArrayList<>();
        for (int thread : ThreadPriority.threadsNamed(Path.of("/proc/self/task"), ThreadPriority.COMPILER)) {
            values.add(nice(Path.of("/proc/self/task", Integer.toString(thread), "stat")));
        }
        return values;
    }

    private static void thread(Path tasks, int id, String name) throws IOException {
        Path task = Files.createDirectory(tasks.resolve(Integer.toString(id)));
        Files.writeString(task.resolve("comm"), name + "\n");
    }

    /** The nice value in a {@code stat} file: its 19th field, the 17th after the name in parentheses. */
    private static int nice(Path stat) throws IOException {
        String line = Files.readString(stat);
        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]);
    }
}
