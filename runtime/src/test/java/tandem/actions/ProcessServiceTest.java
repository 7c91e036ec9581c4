package tandem.actions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessServiceTest {

    @TempDir
    Path dir;

    private ProcessService service;

    @AfterEach
    void killLeftovers() {
        if (service != null) {
            service.handle().ifPresent(p -> {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            });
        }
    }

    private ProcessService service(String name, String command) {
        service = new ProcessService(name, command, dir.resolve("logs"), dir);
        return service;
    }

    @Test
    void startRunsTheProcessAndStopEndsIt() {
        ProcessService s = service("collector", "sleep 60");
        assertThat(s.running()).isFalse();

        s.start(Duration.ofSeconds(10));

        assertThat(s.running()).isTrue();
        ProcessHandle p = s.handle().orElseThrow();
        assertThat(p.info().command()).hasValueSatisfying(c -> assertThat(c).endsWith("sleep"));
        assertThat(s.logFile()).isEqualTo(dir.resolve("logs/collector.log")).exists();

        s.start(Duration.ofSeconds(10)); // already running: nothing happens
        assertThat(s.handle()).contains(p);

        s.stop(Duration.ofSeconds(10));

        assertThat(s.running()).isFalse();
        assertThat(p.isAlive()).isFalse();
        s.stop(Duration.ofSeconds(10)); // already stopped: nothing happens
    }

    @Test
    void aRestartedTandemAdoptsTheProcessInsteadOfStartingASecondOne() {
        ProcessService first = service("collector", "sleep 60");
        first.start(Duration.ofSeconds(10));
        ProcessHandle p = first.handle().orElseThrow();
        assertThat(dir.resolve("logs/collector.pid")).exists();

        ProcessService second = new ProcessService("collector", "sleep 60", dir.resolve("logs"), dir);

        assertThat(second.running()).isTrue();
        second.start(Duration.ofSeconds(10));
        assertThat(second.handle()).contains(p);
        second.stop(Duration.ofSeconds(10));
        Await.until(Duration.ofSeconds(5), "adopted process stopped", () -> Await.gone(p));
        assertThat(dir.resolve("logs/collector.pid")).doesNotExist();
        assertThat(new ProcessService("collector", "sleep 60", dir.resolve("logs"), dir).running()).isFalse();
    }

    @Test
    void aStalePidFileIsIgnored() throws Exception {
        Files.createDirectories(dir.resolve("logs"));
        Files.writeString(dir.resolve("logs/collector.pid"), ProcessHandle.current().pid() + " 12345\n");

        assertThat(service("collector", "sleep 60").running()).isFalse();
    }

    @Test
    void aProcessThatIgnoresSigtermIsKilledAfterTheTimeout() {
        ProcessService s = service("stubborn", "sh -c 'trap \"\" TERM; sleep 60; true'");
        s.start(Duration.ofSeconds(10));
        ProcessHandle p = s.handle().orElseThrow();
        List<ProcessHandle> children = p.descendants().toList();
        long before = System.nanoTime();

        s.stop(Duration.ofMillis(400));

        Duration took = Duration.ofNanos(System.nanoTime() - before);
        assertThat(took).isBetween(Duration.ofMillis(400), Duration.ofSeconds(8));
        assertThat(s.running()).isFalse();
        assertThat(p.isAlive()).isFalse();
        Await.until(Duration.ofSeconds(5), "children killed too", () -> children.stream().allMatch(Await::gone));
    }

    @Test
    void aProcessThatExitsAtOnceFailsTheStartWithItsExitCodeAndLog() {
        ProcessService s = service("broken", "sh -c 'echo starting; echo config missing >&2; exit 7'");

        assertThatThrownBy(() -> s.start(Duration.ofSeconds(10)))
                .isInstanceOf(ActionException.class)
                .hasMessageStartingWith("broken exited at once with exit code 7; ")
                .hasMessageEndingWith("broken.log ends with: starting | config missing");
        assertThat(s.running()).isFalse();
    }

    @Test
    void outputIsAppendedToTheLogAcrossRuns() throws Exception {
        ProcessService s = service("chatty", "sh -c 'echo hello; exec sleep 60'");
        s.start(Duration.ofSeconds(10));
        Await.until(Duration.ofSeconds(5), "first line logged", () -> read(s.logFile()).equals("hello\n"));
        s.stop(Duration.ofSeconds(10));
        s.start(Duration.ofSeconds(10));
        Await.until(Duration.ofSeconds(5), "second line logged", () -> read(s.logFile()).equals("hello\nhello\n"));
        s.stop(Duration.ofSeconds(10));
    }

    @Test
    void aMissingProgramFailsTheStartNamingTheService() {
        ProcessService s = service("ghost", "/nonexistent/ghost-server --foreground");

        assertThatThrownBy(() -> s.start(Duration.ofSeconds(10)))
                .isInstanceOf(ActionException.class)
                .hasMessageStartingWith("cannot start ghost: ")
                .hasMessageContaining("/nonexistent/ghost-server");
    }

    @Test
    void startModeIsAlwaysManual() {
        ProcessService s = service("collector", "sleep 60");
        s.setManualStartMode();
        assertThat(s.startMode()).isEqualTo(StartMode.MANUAL);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
