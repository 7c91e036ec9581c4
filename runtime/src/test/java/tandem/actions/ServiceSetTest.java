package tandem.actions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.facts.ActionResult;
import tandem.os.FakeCommands;

class ServiceSetTest {

    private final List<String> calls = new ArrayList<>();

    /** A service that records its calls and fails the ones it is told to. */
    private final class Recording implements ManagedService {
        private final String name;
        private final Set<String> failing;
        private boolean running;

        Recording(String name, String... failing) {
            this.name = name;
            this.failing = Set.of(failing);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void start(Duration timeout) {
            calls.add("start " + name + " " + timeout.toSeconds() + "s");
            if (failing.contains("start")) {
                throw new ActionException(name + " refused to start");
            }
            running = true;
        }

        @Override
        public void stop(Duration timeout) {
            calls.add("stop " + name + " " + timeout.toSeconds() + "s");
            if (failing.contains("stop")) {
                throw new ActionException(name + " refused to stop");
            }
            running = false;
        }

        @Override
        public boolean running() {
            return running;
        }

        @Override
        public StartMode startMode() {
            return StartMode.MANUAL;
        }

        @Override
        public void setManualStartMode() {
        }
    }

    private static ServiceSet.Member member(ManagedService s) {
        return new ServiceSet.Member(s, Duration.ofSeconds(60), Duration.ofSeconds(30));
    }

    @Test
    void startsInConfigOrderAndStopsInReverse() {
        ServiceSet set = ServiceSet.of(List.of(member(new Recording("management")), member(new Recording("event")),
                member(new Recording("log"))));

        ActionResult started = set.startAll("start-services", 1000);
        ActionResult stopped = set.stopAll("stop-services", 2000);

        assertThat(calls).containsExactly("start management 60s", "start event 60s", "start log 60s",
                "stop log 30s", "stop event 30s", "stop management 30s");
        assertThat(started).isEqualTo(new ActionResult("start-services", true, "started management, event, log", 1000));
        assertThat(stopped).isEqualTo(new ActionResult("stop-services", true, "stopped log, event, management", 2000));
    }

    @Test
    void aFailedStartStopsTheOnesStartedBeforeItInReverse() {
        ServiceSet set = ServiceSet.of(List.of(member(new Recording("management")), member(new Recording("event")),
                member(new Recording("log", "start")), member(new Recording("collector"))));

        ActionResult r = set.startAll("start-services", 1000);

        assertThat(calls).containsExactly("start management 60s", "start event 60s", "start log 60s",
                "stop event 30s", "stop management 30s");
        assertThat(r.ok()).isFalse();
        assertThat(r.action()).isEqualTo("start-services");
        assertThat(r.detail()).isEqualTo("service log did not start: log refused to start; stopped again event, management");
        assertThat(set.services()).noneMatch(ManagedService::running);
    }

    @Test
    void aFailedRollbackIsReportedToo() {
        ServiceSet set = ServiceSet.of(List.of(member(new Recording("management", "stop")),
                member(new Recording("event", "start"))));

        ActionResult r = set.startAll("start-services", 1000);

        assertThat(r.detail()).isEqualTo("service event did not start: event refused to start;"
                + " could not stop again: management refused to stop");
    }

    @Test
    void stopAllAttemptsEveryServiceEvenWhenOneFails() {
        ServiceSet set = ServiceSet.of(List.of(member(new Recording("management")), member(new Recording("event", "stop")),
                member(new Recording("log"))));

        ActionResult r = set.stopAll("stop-services", 5);

        assertThat(calls).containsExactly("stop log 30s", "stop event 30s", "stop management 30s");
        assertThat(r).isEqualTo(new ActionResult("stop-services", false,
                "event refused to stop; stopped log, management", 5));
    }

    @Test
    void anEmptySetSucceeds() {
        ServiceSet set = ServiceSet.of(List.of());
        assertThat(set.startAll("start-services", 1).detail()).isEqualTo("no services to start");
        assertThat(set.stopAll("stop-services", 1).detail()).isEqualTo("no services to stop");
        assertThat(set.enforceManualStartMode()).isEmpty();
    }

    @Test
    void configServicesGetTheImplementationOfTheirTypeInOrder(@TempDir Path dir) {
        var c = TestConfigs.node(dir, """
                services:
                  - {name: management, type: systemd, unit: app-management.service, start-timeout: 90s}
                  - {name: events, type: windows, unit: EventServer}
                  - {name: log, type: command, start: /opt/app/log start, stop: /opt/app/log stop}
                  - {name: collector, type: process, command: /opt/app/collector --foreground}
                """);

        ServiceSet set = ServiceSet.of(c, new FakeCommands(), dir.resolve("logs"));

        assertThat(set.services()).extracting(ManagedService::name)
                .containsExactly("management", "events", "log", "collector");
        assertThat(set.services()).extracting(s -> s.getClass().getSimpleName())
                .containsExactly("SystemdService", "WindowsService", "CommandService", "ProcessService");
        assertThat(set.services().get(0).describe()).isEqualTo("management (app-management.service)");
        assertThat(((ProcessService) set.services().get(3)).logFile()).isEqualTo(dir.resolve("logs/collector.log"));
    }

    @Test
    void enforcingManualStartModeDisablesEnabledUnitsAndSaysSo(@TempDir Path dir) {
        var c = TestConfigs.node(dir, """
                services:
                  - {name: management, type: systemd, unit: app-management.service}
                  - {name: event, type: systemd, unit: app-event.service}
                  - {name: log, type: systemd, unit: app-log.service}
                  - {name: collector, type: process, command: /opt/app/collector}
                """);
        FakeCommands cmds = new FakeCommands()
                .answer("systemctl is-enabled app-management.service", 0, "enabled\n")
                .answer("systemctl is-enabled app-event.service", 1, "disabled\n")
                .answer("systemctl is-enabled app-log.service", 1, "masked\n");

        List<String> sentences = ServiceSet.of(c, cmds, dir).enforceManualStartMode();

        assertThat(sentences).containsExactly("service management (app-management.service) was set to start"
                + " automatically; Tandem set it to manual: only Tandem starts it (MS-1)");
        assertThat(cmds.calls()).containsExactly("systemctl is-enabled app-management.service",
                "systemctl disable app-management.service", "systemctl is-enabled app-event.service",
                "systemctl is-enabled app-log.service");
    }

    @Test
    void enforcingManualStartModeReportsUnitsItCannotReadOrChange(@TempDir Path dir) {
        var c = TestConfigs.node(dir, """
                services:
                  - {name: management, type: systemd, unit: app-management.service}
                  - {name: event, type: systemd, unit: app-event.service}
                """);
        FakeCommands cmds = new FakeCommands()
                .answerError("systemctl is-enabled app-management.service", 1,
                        "Failed to get unit file state for app-management.service: No such file or directory\n")
                .answer("systemctl is-enabled app-event.service", 0, "enabled\n")
                .answerError("systemctl disable app-event.service", 1, "Failed to disable unit: Access denied\n");

        List<String> sentences = ServiceSet.of(c, cmds, dir).enforceManualStartMode();

        assertThat(sentences).containsExactly(
                "service management (app-management.service): cannot read the start mode of management:"
                        + " unit app-management.service does not exist",
                "service event (app-event.service) is set to start automatically and Tandem could not set it to"
                        + " manual: cannot set event (app-event.service) to start manually: Failed to disable unit:"
                        + " Access denied; set it to manual by hand: only Tandem may start it (MS-1)");
    }
}
