package tandem.actions;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.config.Durations;
import tandem.os.CommandLine;
import tandem.os.SystemCommands;

/**
 * A program Tandem starts itself and supervises as a child process (config {@code command}); used by
 * the demo, the tests, and sites without a service manager for their application.
 *
 * <p>The command line is split into argv ({@link CommandLine}, no shell) and runs in the node file's
 * folder; its standard output and error are appended to {@code <logDir>/<name>.log}. It runs as long
 * as the process lives. Stopping follows systemd's default ({@code KillMode=control-group}): SIGTERM
 * to the process and every process it started, up to the stop timeout to exit, then SIGKILL to
 * whatever is left. The start mode is always {@link StartMode#MANUAL}.
 *
 * <p>The process id and start time go to {@code <logDir>/<name>.pid}, so a Tandem restarted while
 * the process still runs adopts it instead of starting a second one (the start time guards against a
 * recycled pid).
 */
public final class ProcessService implements ManagedService {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessService.class);

    /** How long a fresh process must stay alive to count as started: one that fails at once exits within it. */
    static final Duration SETTLE = Duration.ofMillis(300);

    /** How long a killed process may take to disappear before the stop counts as failed. */
    private static final Duration KILL_GRACE = Duration.ofSeconds(5);

    /** How many of its last log lines a failed start quotes. */
    private static final int TAIL_LINES = 5;

    private final String name;
    private final String commandLine;
    private final Path logFile;
    private final Path pidFile;
    private final Path workDir;
    /** The supervised process: started here, or adopted from the pid file; null when there is none. */
    private volatile ProcessHandle process;

    /**
     * @param logDir  where {@code <name>.log} goes; created when missing
     * @param workDir the working directory of the process
     */
    public ProcessService(String name, String commandLine, Path logDir, Path workDir) {
        this.name = Objects.requireNonNull(name, "name");
        this.commandLine = Objects.requireNonNull(commandLine, "commandLine");
        this.logFile = logDir.resolve(name + ".log");
        this.pidFile = logDir.resolve(name + ".pid");
        this.workDir = Objects.requireNonNull(workDir, "workDir");
    }

    @Override
    public String name() {
        return name;
    }

    /** The file its output is appended to. */
    public Path logFile() {
        return logFile;
    }

    /** Its process while it has one (also after it died by itself), for tests and the status view. */
    public Optional<ProcessHandle> handle() {
        return Optional.ofNullable(current());
    }

    /**
     * Starts the process and returns once it has stayed alive for {@code min(timeout, 300ms)}; one
     * that exits within that time fails the start with its exit code and its last log lines.
     */
    @Override
    public synchronized void start(Duration timeout) throws ActionException {
        if (running()) {
            return;
        }
        process = null;
        List<String> argv;
        try {
            argv = CommandLine.split(commandLine);
        } catch (IllegalArgumentException e) {
            throw new ActionException("cannot start " + name + ": " + e.getMessage());
        }
        long logStart;
        Process p;
        try {
            Files.createDirectories(logFile.getParent());
            logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
            p = new ProcessBuilder(argv)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new ActionException("cannot start " + name + ": " + e.getMessage(), e);
        }
        try {
            p.getOutputStream().close();
        } catch (IOException e) {
            // no input for it either way
        }
        // the pid file before the settle wait: a Tandem killed during the wait leaves a running process
        // that the next one must find (and stop, when it is not active: the fault suite's kill9-primary)
        writePidFile(p.toHandle());
        Duration settle = timeout.compareTo(SETTLE) <= 0 ? timeout : SETTLE;
        try {
            if (p.waitFor(settle.toMillis(), TimeUnit.MILLISECONDS)) {
                deletePidFile();
                throw new ActionException(name + " exited at once with exit code " + p.exitValue() + "; "
                        + logFile + " ends with: " + tail(logStart));
            }
        } catch (InterruptedException e) {
            SystemCommands.killTree(p);
            deletePidFile();
            Thread.currentThread().interrupt();
            throw new ActionException("start of " + name + " interrupted");
        }
        process = p.toHandle();
        LOG.info("{} started (pid {}): {}", name, p.pid(), commandLine);
    }

    @Override
    public synchronized void stop(Duration timeout) throws ActionException {
        ProcessHandle p = current();
        if (p == null) {
            return;
        }
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        tree.forEach(ProcessHandle::destroy);
        p.destroy();
        if (!awaitExit(p, timeout)) {
            LOG.warn("{} did not stop within {} after SIGTERM: killing it", name, Durations.format(timeout));
            tree.addAll(p.descendants().toList());
            tree.forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            if (!awaitExit(p, KILL_GRACE)) {
                throw new ActionException(name + " (pid " + p.pid() + ") is still running after SIGKILL");
            }
        }
        // what it started and left behind goes with it, as systemd's control-group kill does
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        process = null;
        deletePidFile();
    }

    @Override
    public boolean running() {
        ProcessHandle p = current();
        return p != null && p.isAlive();
    }

    @Override
    public StartMode startMode() {
        return StartMode.MANUAL;
    }

    @Override
    public void setManualStartMode() {
        // nothing to change: nothing but Tandem starts this process
    }

    private static boolean awaitExit(ProcessHandle p, Duration timeout) throws ActionException {
        try {
            p.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !p.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ActionException("stop of pid " + p.pid() + " interrupted");
        }
    }

    /** The process, adopting the one in the pid file when this Tandem has none (it was restarted). */
    private ProcessHandle current() {
        ProcessHandle p = process;
        if (p == null) {
            p = adopt().orElse(null);
            process = p;
        }
        return p;
    }

    private Optional<ProcessHandle> adopt() {
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            String[] fields = Files.readString(pidFile).strip().split("\\s+");
            long pid = Long.parseLong(fields[0]);
            long startMillis = Long.parseLong(fields[1]);
            Optional<ProcessHandle> found = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().startInstant().map(Instant::toEpochMilli).orElse(-1L) == startMillis);
            found.ifPresent(h -> LOG.info("{}: adopting pid {}, started by an earlier Tandem", name, pid));
            return found;
        } catch (IOException | NumberFormatException | ArrayIndexOutOfBoundsException e) {
            // unreadable or stale: there is nothing to adopt, the next start writes a fresh one
            return Optional.empty();
        }
    }

    private void writePidFile(ProcessHandle p) {
        long started = p.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
        try {
            Files.writeString(pidFile, p.pid() + " " + started + "\n");
        } catch (IOException e) {
            LOG.warn("{}: cannot write {} ({}): a restarted Tandem will not find pid {}", name, pidFile, e.getMessage(),
                    p.pid());
        }
    }

    private void deletePidFile() {
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            LOG.warn("{}: cannot delete {}: {}", name, pidFile, e.getMessage());
        }
    }

    /** The last lines the process wrote to its log since {@code from}, joined with " | ". */
    private String tail(long from) {
        try (RandomAccessFile f = new RandomAccessFile(logFile.toFile(), "r")) {
            long len = f.length();
            long start = Math.max(from, len - 16 * 1024);
            byte[] bytes = new byte[(int) Math.max(0, len - start)];
            f.seek(start);
            f.readFully(bytes);
            List<String> lines = new ArrayList<>();
            for (String line : new String(bytes, Charset.defaultCharset()).split("\\R")) {
                if (!line.isBlank()) {
                    lines.add(line.length() > 200 ? line.substring(0, 200) : line.strip());
                }
            }
            if (lines.isEmpty()) {
                return "(nothing: it wrote no output)";
            }
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(cannot read it: " + e.getMessage() + ")";
        }
    }
}
