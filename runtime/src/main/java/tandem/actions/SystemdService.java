package tandem.actions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import tandem.config.Durations;
import tandem.os.Commands;

/**
 * A systemd unit, driven with {@code systemctl} (start, stop, is-active, is-enabled, disable).
 *
 * <p>Start mode: {@code enabled}, {@code enabled-runtime}, {@code alias} and {@code generated} units
 * start at boot ({@link StartMode#AUTOMATIC}); {@code disabled}, {@code static}, {@code indirect} and
 * {@code linked} ones only on request ({@link StartMode#MANUAL}); {@code masked} ones cannot start
 * ({@link StartMode#DISABLED}). Setting manual is {@code systemctl disable}, which leaves a mask alone.
 */
public final class SystemdService implements ManagedService {

    /** Bound for the questions to systemd (is-active, is-enabled, show): they answer at once normally. */
    static final Duration QUERY_TIMEOUT = Duration.ofSeconds(10);

    /** {@code systemctl is-active} states in which the unit's processes may still be there. */
    private static final Set<String> NOT_STOPPED = Set.of("active", "activating", "deactivating", "reloading",
            "refreshing");

    private final String name;
    private final String unit;
    private final Commands commands;

    public SystemdService(String name, String unit, Commands commands) {
        this.name = Objects.requireNonNull(name, "name");
        this.unit = Objects.requireNonNull(unit, "unit");
        this.commands = Objects.requireNonNull(commands, "commands");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String describe() {
        return name + " (" + unit + ")";
    }

    /** {@code systemctl start} waits for systemd's start job, so a returned 0 means the unit came up. */
    @Override
    public void start(Duration timeout) throws ActionException {
        Commands.Result r = systemctl(timeout, "start", unit);
        if (r.timedOut()) {
            throw new ActionException(describe() + " did not start within " + Durations.format(timeout)
                    + " (systemctl start was still waiting)");
        }
        if (!r.ok()) {
            throw failure("start", r);
        }
        // Type=simple units count as started once forked: one that exits at once shows up only here.
        String state = activeState();
        if (!state.equals("active")) {
            throw new ActionException(describe() + " stopped right after it started: systemd reports it " + state
                    + " (journalctl -u " + unit + " says why)");
        }
    }

    /**
     * {@code systemctl stop} runs the unit's own stop and waits for it; if it is still waiting after
     * {@code timeout}, every process of the unit gets SIGKILL ({@code systemctl kill -s KILL}) and the
     * stop job is awaited once more so the unit is really gone when this returns.
     */
    @Override
    public void stop(Duration timeout) throws ActionException {
        Commands.Result r = systemctl(timeout, "stop", unit);
        if (r.ok()) {
            return;
        }
        if (!r.timedOut()) {
            if (r.exitCode() != Commands.NOT_STARTED && exists() && !NOT_STOPPED.contains(activeState())) {
                return; // the unit's own stop command failed, but systemd stopped it anyway
            }
            throw failure("stop", r);
        }
        Commands.Result kill = systemctl(QUERY_TIMEOUT, "kill", "-s", "KILL", unit);
        systemctl(QUERY_TIMEOUT, "stop", unit);
        String state = activeState();
        if (NOT_STOPPED.contains(state)) {
            throw new ActionException(describe() + " did not stop within " + Durations.format(timeout)
                    + " and is still " + state + " after systemctl kill -s KILL"
                    + (kill.ok() ? "" : " (" + kill.firstLine(200) + ")"));
        }
    }

    @Override
    public boolean running() {
        return activeState().equals("active");
    }

    @Override
    public StartMode startMode() throws ActionException {
        Commands.Result r = systemctl(QUERY_TIMEOUT, "is-enabled", unit);
        String state = firstWord(r.stdout());
        switch (state) {
            case "enabled", "enabled-runtime", "alias", "generated":
                return StartMode.AUTOMATIC;
            case "disabled", "static", "indirect", "linked", "linked-runtime":
                return StartMode.MANUAL;
            case "masked", "masked-runtime":
                return StartMode.DISABLED;
            case "not-found":
                throw missing("read the start mode of");
            default:
                break;
        }
        if (r.ok()) {
            return StartMode.UNKNOWN;
        }
        // systemd before v254 says "Failed to get unit file state for X: No such file or directory".
        if (r.stderr().contains("No such file or directory") || !exists()) {
            throw missing("read the start mode of");
        }
        throw new ActionException("cannot read the start mode of " + describe() + ": " + r.firstLine(200));
    }

    @Override
    public void setManualStartMode() throws ActionException {
        Commands.Result r = systemctl(QUERY_TIMEOUT, "disable", unit);
        if (!r.ok()) {
            if (r.timedOut()) {
                throw new ActionException("cannot set " + describe() + " to start manually: systemctl disable "
                        + "did not answer within " + Durations.format(QUERY_TIMEOUT));
            }
            if (r.exitCode() != Commands.NOT_STARTED && !exists()) {
                throw missing("set to start manually");
            }
            throw new ActionException("cannot set " + describe() + " to start manually: " + r.firstLine(200));
        }
    }

    /** {@code systemctl is-active}: active, inactive, failed, activating...; "unknown" if systemd did not answer. */
    private String activeState() {
        Commands.Result r = systemctl(QUERY_TIMEOUT, "is-active", unit);
        String state = firstWord(r.stdout());
        return state.isEmpty() || r.timedOut() ? "unknown" : state;
    }

    /** Whether systemd knows the unit; true when that cannot be found out, so the real error is shown. */
    private boolean exists() {
        Commands.Result r = systemctl(QUERY_TIMEOUT, "show", "-p", "LoadState", "--value", unit);
        return !(r.ok() && firstWord(r.stdout()).equals("not-found"));
    }

    private ActionException failure(String verb, Commands.Result r) {
        if (r.exitCode() == Commands.NOT_STARTED) {
            return new ActionException("cannot " + verb + " " + describe() + ": " + r.stderr().trim());
        }
        if (!exists()) {
            return missing(verb);
        }
        return new ActionException("systemd could not " + verb + " " + describe() + ": " + r.firstLine(200));
    }

    private ActionException missing(String verb) {
        return new ActionException("cannot " + verb + " " + name + ": unit " + unit + " does not exist");
    }

    private Commands.Result systemctl(Duration timeout, String... args) {
        List<String> argv = new ArrayList<>(args.length + 1);
        argv.add("systemctl");
        argv.addAll(List.of(args));
        return commands.run(argv, timeout);
    }

    private static String firstWord(String text) {
        String t = text.strip();
        int end = 0;
        while (end < t.length() && !Character.isWhitespace(t.charAt(end))) {
            end++;
        }
        return t.substring(0, end);
    }
}
