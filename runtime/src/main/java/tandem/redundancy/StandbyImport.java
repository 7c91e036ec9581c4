package tandem.redundancy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.config.Durations;
import tandem.config.NodeConfig;
import tandem.config.Redundancy;
import tandem.os.Commands;

/**
 * The standby's import of one backup of its active (RED-1, RED-2, RED-3, RED-7): {@code tandem import
 * --config standby.yaml --file F}, which the active runs over SSH after a verified upload, and the
 * action {@code standby-import} of the operator's one-time initialization.
 *
 * <p>Before anything of the standby's is touched it reads the {@link Manifest} beside {@code F} and
 * refuses, saying which: a backup of another appliance (its license is not
 * {@code redundancy.active-license-key}), of another version ({@code redundancy.version}), or one whose
 * size or SHA-256 is not what the manifest says. Then it runs {@code redundancy.import.command} with
 * {@value Redundancy#FILE_PLACEHOLDER} set to {@code F} (through the shell, in the configuration file's
 * folder), and only when that exited 0 replaces {@code <node.state-dir>/last-import.json}
 * ({@link LastImport}), from which the running standby learns the age of its data.
 */
public final class StandbyImport {
    private static final Logger LOG = LoggerFactory.getLogger(StandbyImport.class);
    /** How long the site's import command may run. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofHours(1);

    /** What an import did: imported, or refused or failed with the reason. */
    public record Outcome(boolean ok, String message) {
    }

    private final NodeConfig config;
    private final Commands commands;
    private final Clock clock;

    public StandbyImport(NodeConfig config, Commands commands, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.commands = Objects.requireNonNull(commands, "commands");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Verifies and imports {@code file} (see the class comment); never throws for a bad backup. */
    public Outcome run(Path file) {
        Redundancy r = config.redundancy().orElse(null);
        if (r == null || r.standbyImport().isEmpty() || r.activeLicenseKey().isEmpty()) {
            return new Outcome(false, config.file() + ": this node is not a standby (redundancy.role: standby with an"
                    + " import: section): only a standby imports the active's backups");
        }
        Path archive = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(archive)) {
            return new Outcome(false, archive + ": no such backup file");
        }
        Manifest m;
        try {
            m = Manifest.read(Manifest.of(archive));
        } catch (IllegalArgumentException e) {
            return new Outcome(false, "refused: " + e.getMessage());
        }
        if (!m.name().equals(archive.getFileName().toString())) {
            return new Outcome(false, "refused: the manifest " + Manifest.of(archive) + " describes " + m.name()
                    + ", not " + archive.getFileName());
        }
        String expected = r.activeLicenseKey().get().toString();
        if (!m.license().equals(expected)) {
            return new Outcome(false, "refused: " + archive.getFileName() + " is a backup of the appliance with the"
                    + " license key " + m.license() + ", not of this standby's active " + expected
                    + " (redundancy.active-license-key in " + config.file() + ", RED-3)");
        }
        if (!m.version().equals(r.version())) {
            return new Outcome(false, "refused: " + archive.getFileName() + " is a backup of version " + m.version()
                    + ", this standby runs version " + r.version() + " (redundancy.version in " + config.file()
                    + "); both nodes must run the same version (RED-2)");
        }
        Backups.Hashed h;
        try {
            h = Backups.hash(archive);
        } catch (IOException e) {
            return new Outcome(false, "cannot read " + archive + ": " + e);
        }
        if (h.size() != m.size() || !h.sha256().equals(m.sha256())) {
            return new Outcome(false, "refused: " + archive.getFileName() + " is not the backup its manifest describes:"
                    + " SHA-256 " + h.sha256() + " (" + h.size() + " bytes) here, the manifest says " + m.sha256()
                    + " (" + m.size() + " bytes); the file is damaged or incomplete");
        }
        String line = r.standbyImport().get().command().replace(Redundancy.FILE_PLACEHOLDER,
                Backups.shellQuote(archive.toString()));
        Path workDir = config.file().toAbsolutePath().getParent();
        Commands.Result res = commands.run(Commands.shell("cd " + Backups.shellQuote(workDir.toString()) + " && "
                + line), COMMAND_TIMEOUT);
        if (!res.ok()) {
            return new Outcome(false, "the import command (redundancy.import.command) failed (" + (res.timedOut()
                    ? "did not finish within " + Durations.format(COMMAND_TIMEOUT) : "exit code " + res.exitCode())
                    + ": " + res.firstLine(300) + "): " + line);
        }
        try {
            LastImport.write(config.node().stateDir(), new LastImport.Entry(clock.instant(), archive.getFileName()
                    .toString(), m.interval(), h.size(), h.sha256()));
        } catch (IOException e) {
            return new Outcome(false, "imported " + archive.getFileName() + ", but cannot record it in "
                    + config.node().stateDir().resolve(LastImport.FILE) + ": " + e);
        }
        LOG.info("{}: imported {} ({} bytes, sha256 {}, version {}, created {})", config.node().id(), archive, h.size(),
                h.sha256(), m.version(), m.created());
        return new Outcome(true, "imported " + archive.getFileName() + " (" + h.size() + " bytes, SHA-256 checked,"
                + " version " + m.version() + ", created " + m.created() + ")");
    }
}
