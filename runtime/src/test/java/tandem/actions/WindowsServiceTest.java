package tandem.actions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import tandem.os.Os;

/** The logic above the Windows service control manager, against a scripted SCM on a fake clock. */
class WindowsServiceTest {

    /** An SCM whose service moves through scripted states, one per status query; the last one stays. */
    private static final class ScriptedScm implements ServiceControl {
        final Deque<Status> states = new ArrayDeque<>();
        final List<String> calls = new ArrayList<>();
        int startType = AUTO_START;
        Status afterKill;

        ScriptedScm states(int... s) {
            for (int state : s) {
                states.add(new Status(state, 4242, true, 0));
            }
            return this;
        }

        @Override
        public Status status(String service) {
            return states.size() > 1 ? states.poll() : states.peek();
        }

        @Override
        public void start(String service) {
            calls.add("start " + service);
        }

        @Override
        public void stop(String service) {
            calls.add("stop " + service);
        }

        @Override
        public int startType(String service) {
            return startType;
        }

        @Override
        public void setStartType(String service, int type) {
            calls.add("set start type " + type);
            startType = type;
        }

        @Override
        public void kill(long pid) {
            calls.add("kill " + pid);
            states.clear();
            states.add(afterKill);
        }
    }

    private final ScriptedScm scm = new ScriptedScm();
    private long nanos;
    private int pauses;
    private final WindowsService service = new WindowsService("management", "AppMgmt", scm, d -> {
        pauses++;
        nanos += d.toNanos();
    }, () -> nanos);

    @Test
    void startAsksTheScmAndWaitsUntilRunning() {
        scm.states(ServiceControl.STOPPED, ServiceControl.START_PENDING, ServiceControl.START_PENDING,
                ServiceControl.RUNNING);

        service.start(Duration.ofSeconds(60));

        assertThat(scm.calls).containsExactly("start AppMgmt");
        assertThat(pauses).isEqualTo(2);
    }

    @Test
    void startingARunningServiceDoesNothing() {
        scm.states(ServiceControl.RUNNING);
        service.start(Duration.ofSeconds(60));
        assertThat(scm.calls).isEmpty();
    }

    @Test
    void aServiceThatStopsWhileStartingFailsTheStart() {
        scm.states(ServiceControl.STOPPED, ServiceControl.START_PENDING);
        scm.states.add(new ServiceControl.Status(ServiceControl.STOPPED, 0, true, 1067));

        assertThatThrownBy(() -> service.start(Duration.ofSeconds(60)))
                .isInstanceOf(ActionException.class)
                .hasMessage("management (AppMgmt) stopped again while starting (exit code 1067); the Windows event"
                        + " log (System) says why");
    }

    @Test
    void aStartThatTakesTooLongFailsAfterTheTimeout() {
        scm.states(ServiceControl.STOPPED, ServiceControl.START_PENDING);

        assertThatThrownBy(() -> service.start(Duration.ofSeconds(2)))
                .hasMessage("management (AppMgmt) did not start within 2s (still start pending)");
        assertThat(Duration.ofNanos(nanos)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aStopThatTakesTooLongKillsTheServiceProcess() {
        scm.states(ServiceControl.RUNNING, ServiceControl.STOP_PENDING);
        scm.afterKill = new ServiceControl.Status(ServiceControl.STOPPED, 0, true, 0);

        service.stop(Duration.ofSeconds(3));

        assertThat(scm.calls).containsExactly("stop AppMgmt", "kill 4242");
        assertThat(Duration.ofNanos(nanos)).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void aSharedProcessIsNeverKilled() {
        scm.states.add(new ServiceControl.Status(ServiceControl.STOP_PENDING, 900, false, 0));

        assertThatThrownBy(() -> service.stop(Duration.ofSeconds(1)))
                .hasMessage("management (AppMgmt) did not stop within 1s (still stop pending); it shares its"
                        + " process with other services, so Tandem does not kill it");
        assertThat(scm.calls).containsExactly("stop AppMgmt");
    }

    @Test
    void startModesMapAndOnlyAutomaticBecomesManual() {
        scm.startType = ServiceControl.DISABLED;
        assertThat(service.startMode()).isEqualTo(StartMode.DISABLED);
        service.setManualStartMode();
        assertThat(scm.calls).isEmpty();

        scm.startType = ServiceControl.DEMAND_START;
        assertThat(service.startMode()).isEqualTo(StartMode.MANUAL);

        scm.startType = ServiceControl.AUTO_START;
        assertThat(service.startMode()).isEqualTo(StartMode.AUTOMATIC);
        service.setManualStartMode();
        assertThat(scm.calls).containsExactly("set start type " + ServiceControl.DEMAND_START);
        assertThat(service.startMode()).isEqualTo(StartMode.MANUAL);
    }

    @Test
    void scmErrorsBecomeSentences() {
        assertThat(ServiceControl.failure("AppMgmt", "start", ServiceControl.ERROR_SERVICE_DOES_NOT_EXIST, "ignored"))
                .isEqualTo("cannot start AppMgmt: service AppMgmt does not exist");
        assertThat(ServiceControl.failure("AppMgmt", "stop", ServiceControl.ERROR_ACCESS_DENIED, null))
                .isEqualTo("cannot stop AppMgmt: access denied (Tandem must run as an administrator or as LocalSystem)");
        assertThat(ServiceControl.failure("AppMgmt", "start", 1234, "Some text.\r\n"))
                .isEqualTo("cannot start AppMgmt: Windows error 1234 (Some text.)");
    }

    @Test
    void onOtherSystemsEveryCallFailsClearly() {
        org.junit.jupiter.api.Assumptions.assumeFalse(Os.windows());
        WindowsService real = new WindowsService("events", "EventServer");

        assertThatThrownBy(() -> real.start(Duration.ofSeconds(1)))
                .hasMessage("cannot manage Windows service EventServer: this is not Windows");
        assertThat(real.running()).isFalse();
    }
}
