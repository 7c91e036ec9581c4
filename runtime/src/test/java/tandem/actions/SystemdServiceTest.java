package tandem.actions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import tandem.os.Commands;
import tandem.os.FakeCommands;

class SystemdServiceTest {

    private static final String UNIT = "app-management.service";
    private final FakeCommands cmds = new FakeCommands();
    private final SystemdService service = new SystemdService("management", UNIT, cmds);

    @Test
    void startRunsSystemctlStartAndChecksTheUnitCameUp() {
        cmds.answer("systemctl is-active " + UNIT, 0, "active\n");

        service.start(Duration.ofSeconds(60));

        assertThat(cmds.calls()).containsExactly("systemctl start " + UNIT, "systemctl is-active " + UNIT);
    }

    @Test
    void aUnitThatDiesRightAfterStartingFailsTheStart() {
        cmds.answer("systemctl is-active " + UNIT, 3, "failed\n");

        assertThatThrownBy(() -> service.start(Duration.ofSeconds(60)))
                .isInstanceOf(ActionException.class)
                .hasMessage("management (app-management.service) stopped right after it started: systemd reports it"
                        + " failed (journalctl -u app-management.service says why)");
    }

    @Test
    void anUnknownUnitIsNamed() {
        cmds.answerError("systemctl start " + UNIT, 5, "Failed to start app-management.service: Unit"
                + " app-management.service not found.\n")
                .answer("systemctl show -p LoadState --value " + UNIT, 0, "not-found\n");

        assertThatThrownBy(() -> service.start(Duration.ofSeconds(60)))
                .isInstanceOf(ActionException.class)
                .hasMessage("cannot start management: unit app-management.service does not exist");
    }

    @Test
    void anotherStartFailureQuotesSystemd() {
        cmds.answerError("systemctl start " + UNIT, 1, "Job for app-management.service failed because the control"
                + " process exited with error code.\n")
                .answer("systemctl show -p LoadState --value " + UNIT, 0, "loaded\n");

        assertThatThrownBy(() -> service.start(Duration.ofSeconds(60)))
                .hasMessage("systemd could not start management (app-management.service): Job for"
                        + " app-management.service failed because the control process exited with error code.");
    }

    @Test
    void aStartThatTakesTooLongFails() {
        cmds.answerTimeout("systemctl start " + UNIT);

        assertThatThrownBy(() -> service.start(Duration.ofSeconds(60)))
                .hasMessage("management (app-management.service) did not start within 1m (systemctl start was still"
                        + " waiting)");
    }

    @Test
    void aStopThatTakesTooLongKillsTheUnit() {
        cmds.answerTimeout("systemctl stop " + UNIT).answer("systemctl is-active " + UNIT, 3, "failed\n");

        service.stop(Duration.ofSeconds(30));

        assertThat(cmds.calls()).containsExactly("systemctl stop " + UNIT, "systemctl kill -s KILL " + UNIT,
                "systemctl stop " + UNIT, "systemctl is-active " + UNIT);
    }

    @Test
    void aUnitStillActiveAfterTheKillFailsTheStop() {
        cmds.answerTimeout("systemctl stop " + UNIT).answer("systemctl is-active " + UNIT, 0, "deactivating\n");

        assertThatThrownBy(() -> service.stop(Duration.ofSeconds(30)))
                .hasMessage("management (app-management.service) did not stop within 30s and is still deactivating"
                        + " after systemctl kill -s KILL");
    }

    @Test
    void aFailedStopCommandIsFineWhenSystemdStoppedTheUnitAnyway() {
        cmds.answerError("systemctl stop " + UNIT, 1, "Job for app-management.service failed.\n")
                .answer("systemctl is-active " + UNIT, 3, "inactive\n");

        service.stop(Duration.ofSeconds(30));
    }

    @Test
    void stoppingAnUnknownUnitIsAnError() {
        cmds.answerError("systemctl stop " + UNIT, 5, "Failed to stop app-management.service: Unit"
                + " app-management.service not loaded.\n")
                .answer("systemctl is-active " + UNIT, 3, "inactive\n")
                .answer("systemctl show -p LoadState --value " + UNIT, 0, "not-found\n");

        assertThatThrownBy(() -> service.stop(Duration.ofSeconds(30)))
                .hasMessage("cannot stop management: unit app-management.service does not exist");
    }

    @Test
    void runningMeansActive() {
        cmds.answer("systemctl is-active " + UNIT, 0, "active\n");
        assertThat(service.running()).isTrue();
        cmds.answer("systemctl is-active " + UNIT, 3, "inactive\n");
        assertThat(service.running()).isFalse();
        cmds.answerTimeout("systemctl is-active " + UNIT);
        assertThat(service.running()).isFalse();
    }

    @Test
    void startModeFollowsIsEnabled() {
        assertMode("enabled", 0, StartMode.AUTOMATIC);
        assertMode("enabled-runtime", 0, StartMode.AUTOMATIC);
        assertMode("disabled", 1, StartMode.MANUAL);
        assertMode("static", 0, StartMode.MANUAL);
        assertMode("masked", 1, StartMode.DISABLED);
        assertMode("something-new", 0, StartMode.UNKNOWN);
    }

    private void assertMode(String isEnabled, int exit, StartMode expected) {
        cmds.answer("systemctl is-enabled " + UNIT, exit, isEnabled + "\n");
        assertThat(service.startMode()).as(isEnabled).isEqualTo(expected);
    }

    @Test
    void startModeOfAnUnknownUnitIsAClearError() {
        cmds.answer("systemctl is-enabled " + UNIT, 4, "not-found\n");

        assertThatThrownBy(service::startMode)
                .hasMessage("cannot read the start mode of management: unit app-management.service does not exist");
    }

    @Test
    void settingManualDisablesTheUnit() {
        service.setManualStartMode();

        assertThat(cmds.calls()).containsExactly("systemctl disable " + UNIT);
    }

    @Test
    void withoutSystemctlTheErrorSaysSo() {
        cmds.answerError("systemctl start " + UNIT, Commands.NOT_STARTED,
                "cannot run systemctl: Cannot run program \"systemctl\": error=2, No such file or directory");

        assertThatThrownBy(() -> service.start(Duration.ofSeconds(5)))
                .hasMessage("cannot start management (app-management.service): cannot run systemctl: Cannot run"
                        + " program \"systemctl\": error=2, No such file or directory");
    }
}
