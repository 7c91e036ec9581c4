package tandem.redundancy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.AtomicFiles;
import tandem.config.Durations;
import tandem.config.NodeConfig;
import tandem.config.Redundancy;
import tandem.engine.ActionPort.ActionRequest;
import tandem.facts.ActionResult;
import tandem.facts.TransferDue;
import tandem.os.Commands;
import tandem.transfer.RemoteCommand;
import tandem.transfer.SshTarget;
import tandem.transfer.Transfer;
import tandem.transfer.TransferException;
import tandem.transfer.TransferReport;

/**
 * The {@code transfers} bean of the active's backup transfer (RED-1, RED-4, RED-5, RED-6;
 * routes/redundancy/transfer.camel.yaml). It observes and acts; whether a transfer runs is the rules'
 * (rules/redundancy/transfer.drl), and how often it is tried is the route's redelivery.
 *
 * <ul>
 *   <li>{@link #due}, polled by the route {@code transfer-timer}: observes a {@link TransferDue} while the
 *       schedule has a run that has not started, including one missed while the node was down (it runs
 *       once at start, {@link Schedule#missed}). The last run that started is kept in
 *       {@code <node.state-dir>/transfer-run.json}, so a restart neither repeats nor forgets one.</li>
 *   <li>the steps of the route {@code action-transfer-backup}, each taking and returning a {@link Run}:
 *       {@link #begin} (the run starts), {@link #create} (a full backup, {@link Backups}), {@link #upload}
 *       (archive and manifest to {@code standby.folder}, each under a temporary name, checked by SHA-256
 *       on the standby and renamed only then: {@link Transfer}), {@link #importOnStandby}
 *       ({@code standby.import-command} over SSH, its exit code judged), {@link #done}; a step that
 *       throws is tried again by the route's redelivery, and {@link #failed} ends a transfer whose last
 *       attempt failed. The standby's previous backup and data stay as they were until an upload is
 *       complete and verified.</li>
 *   <li>{@link #statusView}: the last transfer ({@link LastTransfer}) and the next scheduled run.</li>
 * </ul>
 */
public final class BackupTransfer {
    private static final Logger LOG = LoggerFactory.getLogger(BackupTransfer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The file in {@code node.state-dir} that keeps the last run that started. */
    public static final String RUN_FILE = "transfer-run.json";
    /** How long the standby's import command may run. */
    public static final Duration IMPORT_TIMEOUT = Duration.ofHours(1);

    /**
     * One transfer as the route carries it from step to step. Not a fact: the route's body. Its
     * {@code failures} count the attempts that failed so far (a step that throws is tried again with
     * the same body).
     *
     * @param request   the action's request
     * @param startedAt when the transfer started (clock ms)
     * @param backup    the backup created, or null before {@link #create}
     * @param report    the archive's upload, or null before {@link #upload}
     * @param imported  the first line the import command printed, or null before {@link #importOnStandby}
     */
    public record Run(ActionRequest request, long startedAt, Backups.Created backup, TransferReport report,
            String imported, AtomicInteger failures) {
        Run with(Backups.Created b) {
            return new Run(request, startedAt, b, report, imported, failures);
        }

        Run with(TransferReport r) {
            return new Run(request, startedAt, backup, r, imported, failures);
        }

        Run imported(String line) {
            return new Run(request, startedAt, backup, report, line, failures);
        }

        /** The attempts made so far, the one running included. */
        public int attempts() {
            return failures.get() + 1;
        }
    }

    private final NodeConfig config;
    private final Redundancy redundancy;
    private final Optional<Schedule> schedule;
    private final Optional<Backups> backups;
    private final Consumer<Object> observe;
    private final Clock clock;
    private final Duration lockWait;
    private final Instant started;
    private final Path stateDir;
    /** The last run that started, as kept in {@link #RUN_FILE}; guarded by this. */
    private Instant lastRun;
    private boolean lastRunRead;

    /**
     * @param observe  where a {@link TransferDue} goes: the engine's queue
     * @param lockWait the longest a transfer waits for a backup being created (RED-5)
     */
    public BackupTransfer(NodeConfig config, Commands commands, Consumer<Object> observe, Clock clock,
            Duration lockWait) {
        this.config = Objects.requireNonNull(config, "config");
        this.redundancy = config.redundancy().orElseThrow(() -> new IllegalArgumentException(
                config.file() + " has no redundancy: section"));
        this.schedule = redundancy.schedule().map(Schedule::of);
        this.backups = redundancy.backup().map(b -> new Backups(b, redundancy.licenseKey().toString(),
                redundancy.version(), schedule.map(Schedule::interval).orElse(Duration.ofDays(1)),
                config.file().toAbsolutePath().getParent(), commands, clock));
        this.observe = observe;
        this.clock = clock;
        this.lockWait = lockWait;
        this.started = clock.instant();
        this.stateDir = config.node().stateDir();
    }

    /** A transfer that waits for a backup being created at most as long as a creation may run. */
    public BackupTransfer(NodeConfig config, Commands commands, Consumer<Object> observe, Clock clock) {
        this(config, commands, observe, clock, Backups.COMMAND_TIMEOUT);
    }

    // ---------------------------------------------------------------------------------------------
    // the schedule

    /** Route {@code transfer-timer}: observes a {@link TransferDue} when a run is due and has not started. */
    public void due() {
        if (schedule.isEmpty()) {
            return; // a standby: it sends nothing
        }
        dueAt(schedule.get(), lastRun(), started, clock.instant(), clock.millis()).ifPresent(observe);
    }

    /**
     * What the transfer timer observes at {@code now}: a {@link TransferDue} while {@code schedule} has a
     * run at or before now later than {@code lastRun} ({@link Schedule#missed}), flagged as missed when
     * it fell due before the node {@code started}; empty when no run is due.
     *
     * @param lastRun the last run that started, null if there never was one
     * @param at      the engine clock's time now, ms
     */
    public static Optional<TransferDue> dueAt(Schedule schedule, Instant lastRun, Instant started, Instant now, long at) {
        Optional<Instant> run = schedule.missed(lastRun, now);
        if (run.isEmpty()) {
            return Optional.empty();
        }
        boolean missed = run.get().isBefore(started);
        String why = (missed ? "the run of " + schedule.shown(run.get()) + " was missed while this node was"
                + " down; it runs once now" : "the run of " + schedule.shown(run.get()) + " is due")
                + " (" + schedule + ")";
        return Optional.of(new TransferDue(run.get().toEpochMilli(), missed, why, at));
    }

    /** The run a transfer starting at {@code now} counts as run: the latest scheduled one, else now. */
    public static Instant runStarting(Optional<Schedule> schedule, Instant now) {
        return schedule.flatMap(s -> s.latest(now)).orElse(now);
    }

    /** The next scheduled run after now, if this node has a schedule. */
    public Optional<Instant> nextRun() {
        return schedule.map(s -> s.next(clock.instant()));
    }

    private synchronized Instant lastRun() {
        if (!lastRunRead) {
            lastRunRead = true;
            try {
                JsonNode o = JSON.readTree(Files.readAllBytes(stateDir.resolve(RUN_FILE)));
                lastRun = Instant.parse(o.path("last-run").asText());
            } catch (NoSuchFileException e) {
                lastRun = null;
            } catch (IOException | RuntimeException e) {
                // an unreadable record counts as none: the latest run that is due runs once, never more
                LOG.warn("{}: {} cannot be read ({}); the latest scheduled run counts as not run", config.node().id(),
                        stateDir.resolve(RUN_FILE), e.toString());
                lastRun = null;
            }
        }
        return lastRun;
    }

    private synchronized void ranAt(Instant run) {
        lastRun = run;
        lastRunRead = true;
        try {
            Files.createDirectories(stateDir);
            AtomicFiles.write(stateDir.resolve(RUN_FILE), JSON.writeValueAsBytes(Map.of("last-run", run.toString())));
        } catch (IOException e) {
            LOG.warn("{}: cannot record the run in {}: {}", config.node().id(), stateDir.resolve(RUN_FILE), e.toString());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // the steps of action-transfer-backup

    /** The transfer starts: the latest scheduled run counts as run from now on. */
    public Run begin(ActionRequest request) {
        ranAt(runStarting(schedule, clock.instant()));
        return new Run(request, clock.millis(), null, null, null, new AtomicInteger());
    }

    /** Creates the full backup to send (RED-1), under the backup folder's lock (RED-5). */
    public Run create(Run run) {
        return attempt(run, "creating the backup", () -> run.with(backups().create(lockWait)));
    }

    /**
     * Uploads the archive, then its manifest, to {@code standby.folder}, each verified by SHA-256 on the
     * standby and renamed onto its name only then; holds the backup folder's lock meanwhile (RED-5).
     */
    public Run upload(Run run) {
        return attempt(run, "uploading " + run.backup().archive().getFileName(), () -> {
            Redundancy.StandbyAccess s = standby();
            SshTarget target = target(s);
            Path archive = run.backup().archive();
            try (Backups.Lock held = backups().lock("sending " + archive.getFileName(), lockWait)) {
                // the archive first: a manifest on the standby always has its archive beside it
                TransferReport r = Transfer.upload(target, archive, s.folder(), archive.getFileName().toString());
                Path manifest = Manifest.of(archive);
                Transfer.upload(target, manifest, s.folder(), manifest.getFileName().toString());
                return run.with(r);
            }
        });
    }

    /** Runs {@code standby.import-command} on the uploaded archive; an exit code other than 0 fails the attempt. */
    public Run importOnStandby(Run run) {
        return attempt(run, "importing on the standby", () -> {
            Redundancy.StandbyAccess s = standby();
            String remote = run.report().remotePath();
            String line = s.importCommand().replace(Redundancy.FILE_PLACEHOLDER, Backups.shellQuote(remote));
            RemoteCommand.Result r = RemoteCommand.run(target(s), line, IMPORT_TIMEOUT);
            if (!r.succeeded()) {
                String said = firstLine(r.stderr()).isEmpty() ? firstLine(r.stdout()) : firstLine(r.stderr());
                throw new TransferException(TransferException.Step.COMMAND, "the import command on the standby "
                        + s.address() + " failed (exit code " + r.exitCode() + (said.isEmpty() ? "" : ": " + said)
                        + "): " + line);
            }
            return run.imported(firstLine(r.stdout()));
        });
    }

    /** The transfer succeeded: recorded in {@link LastTransfer#FILE}, answered as the action's result. */
    public ActionResult done(Run run) {
        long millis = clock.millis() - run.startedAt();
        Backups.Created b = run.backup();
        record(new LastTransfer(clock.instant(), true, b.archive().getFileName().toString(), b.manifest().size(), millis,
                run.attempts(), run.report().verified(), null));
        return new ActionResult(run.request().action(), true, "backup " + b.archive().getFileName() + " ("
                + b.manifest().size() + " bytes) sent to the standby " + standby().address() + ", its SHA-256 checked"
                + " there, and imported (" + (run.imported() == null || run.imported().isEmpty() ? "exit code 0"
                        : run.imported()) + ") in " + Durations.format(Duration.ofMillis(millis)) + ", "
                + run.attempts() + " attempt(s)", clock.millis());
    }

    /**
     * The last attempt failed (the route's onException, after its redeliveries): recorded, answered as a
     * failed result saying why. {@code body} is what the failed step got: a {@link Run}, or the request
     * when the transfer could not even begin.
     */
    public ActionResult failed(Object body, Exception exception) {
        Run run = body instanceof Run r ? r : null;
        String action = run != null ? run.request().action() : body instanceof ActionRequest q ? q.action()
                : "transfer-backup";
        int attempts = run == null ? 1 : Math.max(1, run.failures().get());
        String why = reason(exception);
        long millis = run == null ? 0 : clock.millis() - run.startedAt();
        Backups.Created b = run == null ? null : run.backup();
        record(new LastTransfer(clock.instant(), false, b == null ? null : b.archive().getFileName().toString(),
                b == null ? -1 : b.manifest().size(), millis, attempts, false, why));
        return new ActionResult(action, false, "the backup transfer to the standby failed after " + attempts
                + " attempt(s): " + why + "; the standby keeps its previous backup and data", clock.millis());
    }

    // ---------------------------------------------------------------------------------------------
    // status

    /** The active's part of the status: the last transfer and the next run. */
    public Map<String, Object> statusView() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (schedule.isEmpty()) {
            return m;
        }
        m.put("schedule", schedule.get().toString());
        m.put("nextRun", nextRun().map(Instant::toString).orElse(null));
        m.put("lastTransfer", LastTransfer.read(stateDir).map(LastTransfer::view).orElse(null));
        return m;
    }

    // ---------------------------------------------------------------------------------------------

    private <T> T attempt(Run run, String what, Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            int failed = run.failures().incrementAndGet();
            int attempts = redundancy.transfer().map(Redundancy.Transfer::attempts).orElse(1);
            LOG.warn("{}: backup transfer attempt {} of {} failed while {}: {}{}", config.node().id(), failed, attempts,
                    what, reason(e), failed < attempts ? "; next attempt in " + redundancy.transfer()
                            .map(t -> Durations.format(t.retryWait())).orElse("?") : "");
            throw e;
        }
    }

    private Backups backups() {
        return backups.orElseThrow(() -> new BackupException(config.file() + ": redundancy.backup is missing: only the"
                + " active creates and sends backups"));
    }

    private Redundancy.StandbyAccess standby() {
        return redundancy.standby().orElseThrow(() -> new BackupException(config.file()
                + ": redundancy.standby is missing: only the active sends backups"));
    }

    /** How the active logs in on its standby (RED-6). */
    public static SshTarget target(Redundancy.StandbyAccess s) {
        return new SshTarget(s.address(), s.sshPort(), s.user(), s.password().map(p -> p.reveal()).orElse(null),
                s.key().orElse(null), s.knownHosts(), SshTarget.DEFAULT_TIMEOUT);
    }

    private void record(LastTransfer t) {
        try {
            t.write(stateDir);
        } catch (IOException e) {
            LOG.warn("{}: cannot record the transfer in {}: {}", config.node().id(), stateDir.resolve(LastTransfer.FILE),
                    e.toString());
        }
    }

    /** The message of the first Tandem error in the chain, else of the exception itself. */
    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof tandem.TandemException) {
                return t.getMessage();
            }
        }
        return e == null ? "unknown error" : String.valueOf(e.getMessage());
    }

    private static String firstLine(String s) {
        for (String line : s.split("\r?\n")) {
            if (!line.isBlank()) {
                return line.strip().length() > 300 ? line.strip().substring(0, 300) : line.strip();
            }
        }
        return "";
    }
}
