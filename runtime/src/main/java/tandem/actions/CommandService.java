package tandem.actions;

import java.time.Duration;
import java.util.Objects;
import tandem.config.Durations;
import tandem.os.Commands;

/**
 * A service started and stopped by two shell command lines from the config ({@code start},
 * {@code stop}), run with {@code sh -c} ({@code cmd /c} on Windows).
 *
 * <p>Such a service has no status of its own, so {@link #running()} means "started by Tandem and not
 * stopped since". A start or stop command counts as done when it exits with 0; one that outlives its
 * timeout is killed and the action fails. Its start mode is always {@link StartMode#MANUAL}: nothing
 * but Tandem runs its start command.
 */
public final class CommandService implements ManagedService {

    private final String name;
    private final String startLine;
    private final String stopLine;
    private final Commands commands;
    private volatile boolean started;

    public CommandService(String name, String startLine, String stopLine, Commands commands) {
        this.name = Objects.requireNonNull(name, "name");
        this.startLine = Objects.requireNonNull(startLine, "startLine");
        this.stopLine = Objects.requireNonNull(stopLine, "stopLine");
        this.commands = Objects.requireNonNull(commands, "commands");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start(Duration timeout) throws ActionException {
        if (started) {
            return;
        }
        run("start", startLine, timeout);
        started = true;
    }

    /**
     * Runs the stop command; if it outlives {@code timeout} it is killed (with what it started) and
     * the stop fails: Tandem cannot know whether the service is gone, so it still counts as running.
     */
    @Override
    public void stop(Duration timeout) throws ActionException {
        if (!started) {
            return;
        }
        run("stop", stopLine, timeout);
        started = false;
    }

    @Override
    public boolean running() {
        return started;
    }

    @Override
    public StartMode startMode() {
        return StartMode.MANUAL;
    }

    @Override
    public void setManualStartMode() {
        // nothing to change: only Tandem runs the start command
    }

    private void run(String verb, String line, Duration timeout) throws ActionException {
        Commands.Result r = commands.run(Commands.shell(line), timeout);
        if (r.timedOut()) {
            throw new ActionException("the " + verb + " command of " + name + " did not finish within "
                    + Durations.format(timeout) + " and was killed: " + line);
        }
        if (!r.ok()) {
            String said = r.firstLine(200);
            throw new ActionException("the " + verb + " command of " + name + " failed with exit code "
                    + r.exitCode() + (said.isEmpty() ? "" : ": " + said));
        }
    }
}
