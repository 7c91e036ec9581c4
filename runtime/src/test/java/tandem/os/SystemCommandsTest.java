package tandem.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.actions.Await;

class SystemCommandsTest {
    /** arping's summary line, the answer the virtual IP's duplicate address probe waits for. */
    private static final Pattern ARPING_SUMMARY = Pattern.compile("(?m)^Received (\\d+) response");

    private final SystemCommands commands = new SystemCommands();

    @Test
    void collectsExitCodeAndBothStreams() {
        Commands.Result r = commands.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(10));

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.stderr()).isEqualTo("err\n");
        assertThat(r.timedOut()).isFalse();
        assertThat(r.ok()).isFalse();
        assertThat(r.firstLine(200)).isEqualTo("out");
    }

    @Test
    void aProgramThatDoesNotExistAnswersLikeTheShell() {
        Commands.Result r = commands.run(List.of("/nonexistent/tandem-probe"), Duration.ofSeconds(10));

        assertThat(r.exitCode()).isEqualTo(Commands.NOT_STARTED);
        assertThat(r.stderr()).startsWith("cannot run /nonexistent/tandem-probe: ");
    }

    @Test
    void aProgramThatHangsIsKilledWithWhatItStarted(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("child.pid");
        long started = System.nanoTime();

        Commands.Result r = commands.run(List.of("sh", "-c", "sleep 60 & echo $! > " + pidFile + "; echo waiting; wait"),
                Duration.ofMillis(500));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isEqualTo(Commands.KILLED);
        assertThat(r.stdout()).isEqualTo("waiting\n");
        long child = Long.parseLong(Files.readString(pidFile).strip());
        Await.until(Duration.ofSeconds(5), "sleep 60 gone",
                () -> ProcessHandle.of(child).map(Await::gone).orElse(true));
    }

    @Test
    void runUntilReturnsOnTheAnswerAndKillsTheProgramAtItsTimeout() {
        // prints its pid and its answer, then lingers like arping closing its packet socket
        Commands.Result r = commands.runUntil(List.of("sh", "-c", "echo $$; echo 'Received 0 response(s)'; exec sleep 60"),
                Duration.ofSeconds(2), ARPING_SUMMARY);

        assertThat(r.exitCode()).isEqualTo(Commands.RUNNING);
        assertThat(r.timedOut()).isFalse();
        assertThat(r.stdout()).endsWith("Received 0 response(s)\n");
        long pid = Long.parseLong(r.stdout().lines().findFirst().orElseThrow());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("still running when answered").contains(true);
        Await.until(Duration.ofSeconds(10), "the lingering program killed at its 2 s timeout",
                () -> ProcessHandle.of(pid).map(Await::gone).orElse(true));
    }

    @Test
    void runUntilAnswersLikeRunWhenTheProgramExitsWithoutTheAnswer() {
        Commands.Result r = commands.runUntil(List.of("sh", "-c", "echo no summary; exit 2"), Duration.ofSeconds(10),
                ARPING_SUMMARY);

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stdout()).isEqualTo("no summary\n");
        assertThat(r.timedOut()).isFalse();
    }

    @Test
    void keepsAtMost64KiBOfOutputButReadsItAll() {
        Commands.Result r = commands.run(List.of("sh", "-c", "head -c 200000 /dev/zero | tr '\\0' x; echo; echo done >&2"),
                Duration.ofSeconds(10));

        assertThat(r.ok()).isTrue();
        assertThat(r.stdout()).hasSize(SystemCommands.MAX_KEPT);
        assertThat(r.stderr()).isEqualTo("done\n");
    }

    @Test
    void shellLinesRunThroughSh() {
        assertThat(Commands.shell("echo hi")).containsExactly("sh", "-c", "echo hi");
    }

    @Test
    void firstLineSkipsBlankLinesFallsBackToStderrAndIsCut() {
        assertThat(new Commands.Result(1, "\n  \n  second  \nthird", "", false).firstLine(200)).isEqualTo("second");
        assertThat(new Commands.Result(1, "", "oops\n", false).firstLine(200)).isEqualTo("oops");
        assertThat(new Commands.Result(1, "x".repeat(300), "", false).firstLine(200)).hasSize(200);
        assertThat(new Commands.Result(0, "", "", false).firstLine(200)).isEmpty();
    }
}
