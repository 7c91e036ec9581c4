package tandem.actions;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.config.Durations;
import tandem.os.Os;

/**
 * A Windows service, driven through the service control manager with JNA ({@code jna-platform}).
 *
 * <p>Start and stop ask the SCM and then poll the service's state every 250 ms until it is there or
 * the timeout has passed. A service that does not stop in time is killed through its process id, but
 * only when the process runs this service alone ({@code SERVICE_WIN32_OWN_PROCESS}): killing a shared
 * {@code svchost} would take other services down. Start mode: automatic (also delayed), boot and
 * system are {@link StartMode#AUTOMATIC}, demand is {@link StartMode#MANUAL}, disabled is
 * {@link StartMode#DISABLED}; setting manual turns only an automatic one into demand start.
 */
public final class WindowsService implements ManagedService {

    private static final Logger LOG = LoggerFactory.getLogger(WindowsService.class);

    static final Duration POLL = Duration.ofMillis(250);

    /** How long a killed service process may take to show up as stopped. */
    static final Duration KILL_GRACE = Duration.ofSeconds(5);

    private final String name;
    private final String service;
    private final ServiceControl scm;
    private final Pause pause;
    private final LongSupplier nanoTime;

    /** A service on this machine; usable only on Windows (elsewhere every call fails). */
    public WindowsService(String name, String service) {
        this(name, service, Os.windows() ? JnaServiceControl.INSTANCE : new Unavailable(), Pause.REAL,
                System::nanoTime);
    }

    WindowsService(String name, String service, ServiceControl scm, Pause pause, LongSupplier nanoTime) {
        this.name = Objects.requireNonNull(name, "name");
        this.service = Objects.requireNonNull(service, "service");
        this.scm = Objects.requireNonNull(scm, "scm");
        this.pause = Objects.requireNonNull(pause, "pause");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return name + " (" + service + ")";
    }

    @Override
    public void start(Duration timeout) throws ActionException {
        if (scm.status(service).state() == ServiceControl.RUNNING) {
            return;
        }
        long deadline = nanoTime.getAsLong() + timeout.toNanos();
        scm.start(service);
        while (true) {
            ServiceControl.Status s = scm.status(service);
            if (s.state() == ServiceControl.RUNNING) {
                return;
            }
            if (s.state() == ServiceControl.STOPPED) {
                throw new ActionException(describe() + " stopped again while starting"
                        + (s.exitCode() == 0 ? "" : " (exit code " + s.exitCode() + ")")
                        + "; the Windows event log (System) says why");
            }
            if (nanoTime.getAsLong() - deadline >= 0) {
                throw new ActionException(describe() + " did not start within " + Durations.format(timeout)
                        + " (still " + stateName(s.state()) + ")");
            }
            waitPoll();
        }
    }

    @Override
    public void stop(Duration timeout) throws ActionException {
        ServiceControl.Status s = scm.status(service);
        if (s.state() == ServiceControl.STOPPED) {
            return;
        }
        long deadline = nanoTime.getAsLong() + timeout.toNanos();
        try {
            scm.stop(service);
            s = awaitStopped(deadline);
        } catch (ActionException refused) {
            // e.g. still start pending, which accepts no stop control: only a kill stops it now
            LOG.warn("{}", refused.getMessage());
            s = scm.status(service);
        }
        if (s.state() == ServiceControl.STOPPED) {
            return;
        }
        if (!s.ownProcess() || s.pid() == 0) {
            throw new ActionException(describe() + " did not stop within " + Durations.format(timeout)
                    + " (still " + stateName(s.state()) + "); it shares its process with other services,"
                    + " so Tandem does not kill it");
        }
        LOG.warn("{} did not stop within {}: killing its process {}", describe(), Durations.format(timeout), s.pid());
        scm.kill(s.pid());
        s = awaitStopped(nanoTime.getAsLong() + KILL_GRACE.toNanos());
        if (s.state() != ServiceControl.STOPPED) {
            throw new ActionException(describe() + " did not stop within " + Durations.format(timeout)
                    + " and is still " + stateName(s.state()) + " after its process " + s.pid() + " was killed");
        }
    }

    @Override
    public boolean running() {
        try {
            return scm.status(service).state() == ServiceControl.RUNNING;
        } catch (ActionException e) {
            return false;
        }
    }

    /** Its state in words: running, stopped, start pending ... (for the service checker). */
    public String state() throws ActionException {
        return stateName(scm.status(service).state());
    }

    @Override
    public StartMode startMode() throws ActionException {
        return switch (scm.startType(service)) {
            case ServiceControl.AUTO_START, ServiceControl.BOOT_START, ServiceControl.SYSTEM_START -> StartMode.AUTOMATIC;
            case ServiceControl.DEMAND_START -> StartMode.MANUAL;
            case ServiceControl.DISABLED -> StartMode.DISABLED;
            default -> StartMode.UNKNOWN;
        };
    }

    @Override
    public void setManualStartMode() throws ActionException {
        if (startMode() == StartMode.AUTOMATIC) {
            scm.setStartType(service, ServiceControl.DEMAND_START);
        }
    }

    private ServiceControl.Status awaitStopped(long deadline) throws ActionException {
        while (true) {
            ServiceControl.Status s = scm.status(service);
            if (s.state() == ServiceControl.STOPPED || nanoTime.getAsLong() - deadline >= 0) {
                return s;
            }
            waitPoll();
        }
    }

    private void waitPoll() throws ActionException {
        try {
            pause.pause(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ActionException("waiting for " + describe() + " was interrupted");
        }
    }

    static String stateName(int state) {
        return switch (state) {
            case ServiceControl.STOPPED -> "stopped";
            case ServiceControl.START_PENDING -> "start pending";
            case ServiceControl.STOP_PENDING -> "stop pending";
            case ServiceControl.RUNNING -> "running";
            case ServiceControl.CONTINUE_PENDING -> "continue pending";
            case ServiceControl.PAUSE_PENDING -> "pause pending";
            case ServiceControl.PAUSED -> "paused";
            default -> "in state " + state;
        };
    }

    /** Stands in for the SCM on other systems, so a Windows service in a Linux config fails clearly. */
    private static final class Unavailable implements ServiceControl {
        private static ActionException fail(String service) {
            return new ActionException("cannot manage Windows service " + service + ": this is not Windows");
        }

        @Override
        public Status status(String service) {
            throw fail(service);
        }

        @Override
        public void start(String service) {
            throw fail(service);
        }

        @Override
        public void stop(String service) {
            throw fail(service);
        }

        @Override
        public int startType(String service) {
            throw fail(service);
        }

        @Override
        public void setStartType(String service, int startType) {
            throw fail(service);
        }

        @Override
        public void kill(long pid) {
            // nothing runs here to kill
        }
    }
}
