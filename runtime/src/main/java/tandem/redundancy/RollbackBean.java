package tandem.redundancy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.config.Durations;
import tandem.config.NodeConfig;
import tandem.config.Redundancy;
import tandem.engine.ActionPort.ActionRequest;
import tandem.facts.ActionResult;
import tandem.os.Commands;
import tandem.transfer.RemoteCommand;
import tandem.transfer.SshTarget;
import tandem.transfer.Transfer;
import tandem.transfer.TransferException;
import tandem.transfer.TransferReport;

/**
 * The {@code rollback} bean of the action routes: the machine work of the guided rollback's steps
 * that Tandem runs (RED-12, routes/redundancy/rollback.camel.yaml), on the switched standby. Which step
 * runs when, and what becomes of its outcome, is the rules' (rules/redundancy/rollback.drl); each method
 * does its step and answers with an {@link ActionResult} named after the request.
 *
 * <ul>
 * <li>{@link #backup}: {@code redundancy.rollback.backup-command} writes a full backup of this node
 *     into {@code <node.state-dir>/rollback/rollback-<time>.backup} (under a hidden temporary name, renamed
 *     once the command succeeded, so an interrupted backup never looks like one).</li>
 * <li>{@link #importOriginal}: the newest of those archives is uploaded to the original active over
 *     SFTP ({@link Transfer#upload}: verified by its SHA-256 before it gets its name), then
 *     {@code import-command} runs there over SSH ({@link RemoteCommand}).</li>
 * <li>{@link #restore}: {@code restore-command} runs on the original over SSH.</li>
 * </ul>
 * The original is {@code switchover.active-address}, port {@code switchover.active-ssh-port}; its host
 * key must be in {@code rollback.known-hosts}: an unknown or changed key fails the step, never accepted.
 */
public final class RollbackBean {
    private static final Logger LOG = LoggerFactory.getLogger(RollbackBean.class);
    /** The folder inside {@code node.state-dir} the rollback's backups are kept in. */
    public static final String FOLDER = "rollback";
    private static final String PREFIX = "rollback-";
    private static final String SUFFIX = ".backup";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final NodeConfig config;
    private final Commands commands;
    private final Clock clock;

    public RollbackBean(NodeConfig config, Commands commands, Clock clock) {
        this.config = config;
        this.commands = commands;
        this.clock = clock;
    }

    /** Where this node keeps the rollback's backups. */
    public static Path folder(NodeConfig c) {
        return c.node().stateDir().resolve(FOLDER);
    }

    /** Makes a full backup of this node with {@code rollback.backup-command}. */
    public ActionResult backup(ActionRequest request) {
        Optional<Redundancy.Rollback> r = settings();
        if (r.isEmpty()) {
            return missing(request);
        }
        Path dir = folder(config);
        String name = PREFIX + STAMP.format(clock.instant()) + SUFFIX;
        Path file = dir.resolve(name);
        Path part = dir.resolve("." + name + ".part");
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(part);
        } catch (IOException e) {
            return failed(request, "cannot prepare " + dir + ": " + e.getMessage());
        }
        String line = r.get().backupCommand().replace(Redundancy.FILE_PLACEHOLDER, part.toAbsolutePath().toString());
        Commands.Result res = commands.run(Commands.shell(line), r.get().timeout());
        try {
            if (!res.ok()) {
                Files.deleteIfExists(part);
                return failed(request, "the backup command failed (" + (res.timedOut() ? "did not finish within "
                        + Durations.format(r.get().timeout()) : "exit code " + res.exitCode()) + ": " + res.firstLine(200)
                        + "): " + line);
            }
            if (!Files.isRegularFile(part) || Files.size(part) == 0) {
                Files.deleteIfExists(part);
                return failed(request, "the backup command succeeded but wrote nothing to " + part + ": " + line);
            }
            Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
            long size = Files.size(file);
            LOG.info("{}: rollback backup written: {} ({} bytes)", config.node().id(), file, size);
            return new ActionResult(request.action(), true, "backup written: " + file + " (" + size + " bytes)",
                    clock.millis());
        } catch (IOException e) {
            return failed(request, "cannot keep the backup " + file + ": " + e.getMessage());
        }
    }

    /** Uploads the newest rollback backup to the original active and runs its import command there. */
    public ActionResult importOriginal(ActionRequest request) {
        Optional<Redundancy.Rollback> r = settings();
        if (r.isEmpty()) {
            return missing(request);
        }
        Optional<Path> archive;
        try {
            archive = newest(folder(config));
        } catch (UncheckedIOException e) {
            return failed(request, "cannot list " + folder(config) + ": " + e.getCause().getMessage());
        }
        if (archive.isEmpty()) {
            return failed(request, "no backup of this node in " + folder(config) + ": run the backup step first");
        }
        try {
            SshTarget target = target(r.get());
            TransferReport sent = Transfer.upload(target, archive.get(), r.get().folder(),
                    archive.get().getFileName().toString());
            String line = r.get().importCommand().replace(Redundancy.FILE_PLACEHOLDER, sent.remotePath());
            RemoteCommand.Result res = RemoteCommand.run(target, line, r.get().timeout());
            if (!res.succeeded()) {
                return failed(request, "the import command on " + target.address() + " failed (exit code "
                        + res.exitCode() + firstLine(res) + "): " + line);
            }
            return new ActionResult(request.action(), true, "uploaded " + archive.get().getFileName() + " to "
                    + target.address() + ":" + sent.remotePath() + " (" + sent.bytes() + " bytes, SHA-256 verified) and"
                    + " imported it there", clock.millis());
        } catch (TransferException | IllegalArgumentException e) {
            return failed(request, e.getMessage());
        }
    }

    /** Runs {@code rollback.restore-command} on the original active. */
    public ActionResult restore(ActionRequest request) {
        Optional<Redundancy.Rollback> r = settings();
        if (r.isEmpty()) {
            return missing(request);
        }
        if (r.get().restoreCommand().isEmpty()) {
            return failed(request, "no redundancy.rollback.restore-command in " + config.file());
        }
        try {
            SshTarget target = target(r.get());
            String line = r.get().restoreCommand().get();
            RemoteCommand.Result res = RemoteCommand.run(target, line, r.get().timeout());
            if (!res.succeeded()) {
                return failed(request, "the restore command on " + target.address() + " failed (exit code "
                        + res.exitCode() + firstLine(res) + "): " + line);
            }
            return new ActionResult(request.action(), true, "ran the restore command on " + target.address(),
                    clock.millis());
        } catch (TransferException | IllegalArgumentException e) {
            return failed(request, e.getMessage());
        }
    }

    /** The SSH login on the original active. */
    SshTarget target(Redundancy.Rollback r) {
        Redundancy.Switchover s = config.redundancy().flatMap(Redundancy::switchover).orElseThrow(
                () -> new IllegalArgumentException("no redundancy.switchover in " + config.file()));
        return new SshTarget(s.activeAddress(), s.activeSshPort(), r.user(),
                r.password().map(tandem.config.Secret::reveal).orElse(null), r.key().orElse(null), r.knownHosts(),
                SshTarget.DEFAULT_TIMEOUT);
    }

    /** The newest rollback backup in {@code dir}, by its name (which holds its time). */
    static Optional<Path> newest(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> {
                String n = f.getFileName().toString();
                return n.startsWith(PREFIX) && n.endsWith(SUFFIX) && Files.isRegularFile(f);
            }).max(Comparator.comparing(f -> f.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Optional<Redundancy.Rollback> settings() {
        return config.redundancy().flatMap(Redundancy::rollback);
    }

    private static String firstLine(RemoteCommand.Result res) {
        String err = res.stderr().strip();
        if (err.isEmpty()) {
            err = res.stdout().strip();
        }
        int nl = err.indexOf('\n');
        String line = nl < 0 ? err : err.substring(0, nl);
        return line.isEmpty() ? "" : ": " + (line.length() > 200 ? line.substring(0, 200) + "..." : line);
    }

    private ActionResult missing(ActionRequest request) {
        return failed(request, "no redundancy.rollback section in " + config.file() + ": this step is the operator's,"
                + " by hand");
    }

    private ActionResult failed(ActionRequest request, String why) {
        LOG.warn("{}: rollback action {} failed: {}", config.node().id(), request.action(), why);
        return new ActionResult(request.action(), false, why, clock.millis());
    }
}
