package tandem.checks;

import java.time.Duration;
import java.util.Objects;
import tandem.os.Commands;
import tandem.config.Durations;
import tandem.facts.ProbeResult;

/**
 * {@code custom} (MS-7 "custom checker"): a command line run with {@code sh -c} ({@code cmd /c} on
 * Windows); exit code 0 means healthy. The detail is the first line it printed (trimmed, at most 200
 * characters), or its exit code when it printed nothing. It is killed, with everything it started,
 * after the timeout (its interval, at most 10 s), and then fails with a detail saying so.
 */
public final class CustomCheck implements Check {

    static final int MAX_DETAIL = 200;

    private final String resource;
    private final String commandLine;
    private final Duration timeout;
    private final Commands commands;

    public CustomCheck(String resource, String commandLine, Duration timeout, Commands commands) {
        this.resource = Objects.requireNonNull(resource, "resource");
        this.commandLine = Objects.requireNonNull(commandLine, "commandLine");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.commands = Objects.requireNonNull(commands, "commands");
    }

    @Override
    public String resource() {
        return resource;
    }

    @Override
    public ProbeResult probe(long now) {
        Commands.Result r = commands.run(Commands.shell(commandLine), timeout);
        if (r.timedOut()) {
            return new ProbeResult(resource, false, "no result within " + Durations.format(timeout) + ": killed", now);
        }
        String line = r.firstLine(MAX_DETAIL);
        return new ProbeResult(resource, r.ok(), line.isEmpty() ? "exit code " + r.exitCode() : line, now);
    }
}
