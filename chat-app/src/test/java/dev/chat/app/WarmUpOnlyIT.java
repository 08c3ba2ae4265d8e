package dev.chat.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chat.app.support.ChatProcess;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar's training run ({@code --warm-up-only}, what the Dockerfile records an AOT cache from): it warms up
 * and exits with 0, and never takes clients.
 */
class WarmUpOnlyIT {
    private Process process;

    @AfterEach
    void killLeftovers() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Test
    void givenWarmUpOnly_theJarWarmsUpAndExitsWithoutOpeningItsPort() throws Exception {
        int port = ChatProcess.freePort();
        File log = File.createTempFile("chat-warm-up-only", ".log");
        process = start(log, port, "2", Main.WARM_UP_ONLY);
        boolean listened = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!process.waitFor(50, TimeUnit.MILLISECONDS) && System.nanoTime() - deadline < 0) {
            listened |= accepts(port);
        }

        assertThat(process.isAlive()).as("exited by itself").isFalse();
        assertThat(process.exitValue()).isZero();
        assertThat(listened).as("the service's port never opened").isFalse();
        assertThat(Files.readString(log.toPath()))
                .contains("WarmUp - warmed up in")
                .doesNotContain("ChatServer - chat listening on 127.0.0.1:" + port);
    }

    @Test
    void givenWarmUpOnly_butNoWarmUp_itFails_soATrainingStepCannotRecordNothing() throws Exception {
        File log = File.createTempFile("chat-warm-up-only", ".log");
        process = start(log, ChatProcess.freePort(), "0", Main.WARM_UP_ONLY);

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(Files.readString(log.toPath())).contains("the warm-up ran no traffic");
    }

    @Test
    void givenAnUnknownArgument_theJarRefusesToStart() throws Exception {
        File log = File.createTempFile("chat-warm-up-only", ".log");
        process = start(log, ChatProcess.freePort(), "2", "--serve-faster");

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(Files.readString(log.toPath())).contains("unknown arguments --serve-faster");
    }

    private static Process start(File log, int port, String warmUpSeconds, String argument) throws IOException {
        ProcessBuilder builder = ChatProcess.packagedJarOnLoopback(port, ProcessBuilder.Redirect.to(log), argument);
        builder.environment().put("CHAT_WARMUP_SECONDS", warmUpSeconds);
        return builder.start();
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
