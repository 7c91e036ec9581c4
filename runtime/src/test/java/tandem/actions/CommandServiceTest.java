package tandem.actions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.os.SystemCommands;

class CommandServiceTest {

    @TempDir
    Path dir;

    private final SystemCommands commands = new SystemCommands();

    @Test
    void runsTheStartAndStopCommandsAndRemembersItStartedIt() {
        Path started = dir.resolve("started");
        Path stopped = dir.resolve("stopped");
        CommandService s = new CommandService("log", "touch " + started, "touch " + stopped, commands);
        assertThat(s.running()).isFalse();

        s.start(Duration.ofSeconds(10));

        assertThat(started).exists();
        assertThat(stopped).doesNotExist();
        assertThat(s.running()).isTrue();

        s.stop(Duration.ofSeconds(10));

        assertThat(stopped).exists();
        assertThat(s.running()).isFalse();
        assertThat(s.startMode()).isEqualTo(StartMode.MANUAL);
    }

    @Test
    void aFailingStartCommandFailsTheStartWithWhatItSaid() {
        CommandService s = new CommandService("log", "echo port 514 busy >&2; exit 4", "true", commands);

        assertThatThrownBy(() -> s.start(Duration.ofSeconds(10)))
                .isInstanceOf(ActionException.class)
                .hasMessage("the start command of log failed with exit code 4: port 514 busy");
        assertThat(s.running()).isFalse();
    }

    @Test
    void aStopCommandThatHangsIsKilledAndTheServiceStillCountsAsRunning() {
        CommandService s = new CommandService("log", "true", "sleep 60", commands);
        s.start(Duration.ofSeconds(10));

        assertThatThrownBy(() -> s.stop(Duration.ofMillis(300)))
                .isInstanceOf(ActionException.class)
                .hasMessage("the stop command of log did not finish within 300ms and was killed: sleep 60");
        assertThat(s.running()).isTrue();
    }
}
