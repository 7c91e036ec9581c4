package tandem.checks;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import tandem.actions.ActionException;
import tandem.os.Commands;
import tandem.actions.WindowsService;
import tandem.config.Durations;
import tandem.facts.ProbeResult;

/**
 * {@code service}: an OS service runs. On Linux the systemd unit is {@code active}
 * ({@code systemctl is-active UNIT}, bounded by the timeout); on Windows the service is
 * {@code running} (asked of the service control manager through {@link WindowsService}). The detail
 * is the state the OS reports: active, inactive, failed, activating ...
 */
public final class ServiceCheck implements Check {

    private final String resource;
    private final String unit;
    private final Duration timeout;
    private final Commands commands;
    private final boolean windows;

    public ServiceCheck(String resource, String unit, Duration timeout, Commands commands, boolean windows) {
        this.resource = Objects.requireNonNull(resource, "resource");
        this.unit = Objects.requireNonNull(unit, "unit");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.commands = Objects.requireNonNull(commands, "commands");
        this.windows = windows;
    }

    @Override
    public String resource() {
        return resource;
    }

    @Override
    public ProbeResult probe(long now) {
        return windows ? windows(now) : systemd(now);
    }

    private ProbeResult systemd(long now) {
        Commands.Result r = commands.run(List.of("systemctl", "is-active", unit), timeout);
        if (r.timedOut()) {
            return new ProbeResult(resource, false, "systemctl did not answer within " + Durations.format(timeout), now);
        }
        if (r.exitCode() == Commands.NOT_STARTED) {
            return new ProbeResult(resource, false, r.stderr().strip(), now);
        }
        String state = r.firstLine(CustomCheck.MAX_DETAIL);
        boolean active = r.ok() && state.equals("active");
        return new ProbeResult(resource, active, unit + " " + (state.isEmpty() ? "exit code " + r.exitCode() : state),
                now);
    }

    private ProbeResult windows(long now) {
        try {
            String state = new WindowsService(resource, unit).state();
            return new ProbeResult(resource, state.equals("running"), unit + " " + state, now);
        } catch (ActionException e) {
            return new ProbeResult(resource, false, e.getMessage(), now);
        }
    }
}
