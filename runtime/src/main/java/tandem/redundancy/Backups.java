package tandem.redundancy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.config.Durations;
import tandem.config.Redundancy;
import tandem.os.Commands;

/**
 * The active's full backups (RED-1) in {@code redundancy.backup.folder}: {@link #create} runs the site's
 * {@code backup.command} with {@value Redundancy#FILE_PLACEHOLDER} set to a temporary name in the folder,
 * and only when it exited 0 writes the archive's {@link Manifest} beside it and renames the archive onto
 * its name ({@code backup-<yyyyMMdd-HHmmss>.backup}, UTC), so an archive under its name is always whole.
 * It keeps the {@code keep} newest archives (with their manifests) and deletes the older ones. The whole
 * creation holds the folder's {@link BackupLock}, which a transfer takes before it reads an archive
 * (RED-5).
 *
 * <p>The command runs through the shell in the configuration file's folder, so a relative script path
 * in it is relative to the file, like every other path there.
 */
public final class Backups {
    private static final Logger LOG = LoggerFactory.getLogger(Backups.class);
    /** The archives' names: a prefix, the creation time (UTC, sortable), the suffix. */
    static final String PREFIX = "backup-";
    static final String SUFFIX = ".backup";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    /** How long the site's backup command may run: a full backup of an appliance takes minutes, not hours. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofHours(1);

    /**
     * An archive created: where it is and what its manifest says.
     */
    public record Created(Path archive, Manifest manifest) {
    }

    private final Redundancy.Backup backup;
    private final String license;
    private final String version;
    private final Duration interval;
    private final Path workDir;
    private final Commands commands;
    private final Clock clock;
    private final BackupLock lock;

    /**
     * @param interval the schedule's interval, written into every manifest
     * @param workDir  where the command runs: the configuration file's folder
     */
    public Backups(Redundancy.Backup backup, String license, String version, Duration interval, Path workDir,
            Commands commands, Clock clock) {
        this.backup = Objects.requireNonNull(backup, "backup");
        this.license = Objects.requireNonNull(license, "license");
        this.version = Objects.requireNonNull(version, "version");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.workDir = Objects.requireNonNull(workDir, "workDir");
        this.commands = Objects.requireNonNull(commands, "commands");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lock = new BackupLock(backup.folder());
    }

    /** The folder the archives are created and kept in. */
    public Path folder() {
        return backup.folder();
    }

    /**
     * Takes the folder's lock (RED-5), waiting at most {@code wait}: a transfer holds it while it reads an
     * archive, so that no creation or clean-up runs meanwhile.
     *
     * @throws BackupException when a creation held it longer than {@code wait}
     */
    public Lock lock(String purpose, Duration wait) {
        BackupLock.Held held = lock.acquire(purpose, wait);
        return held::close;
    }

    /** The backup folder's lock, taken; closing it releases it. */
    public interface Lock extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Creates a full backup (see the class comment), waiting at most {@code lockWait} for the folder's lock.
     *
     * @throws BackupException when the command failed, ran out of time or wrote no file, or the folder
     *                         cannot be written; nothing is left under an archive's name then
     */
    public Created create(Duration lockWait) {
        try (BackupLock.Held held = lock.acquire("creating a backup", lockWait)) {
            return createLocked();
        }
    }

    private Created createLocked() {
        Path folder = backup.folder();
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new BackupException("cannot create the backup folder " + folder + " (redundancy.backup.folder): " + e, e);
        }
        String name = freeName(folder, PREFIX + STAMP.format(clock.instant()));
        Path archive = folder.resolve(name);
        Path temp = folder.resolve("." + name + ".creating");
        String line = backup.command().replace(Redundancy.FILE_PLACEHOLDER, shellQuote(temp.toAbsolutePath().toString()));
        long t0 = System.nanoTime();
        Commands.Result r = commands.run(Commands.shell("cd " + shellQuote(workDir.toString()) + " && " + line),
                COMMAND_TIMEOUT);
        try {
            if (!r.ok()) {
                throw new BackupException("the backup command (redundancy.backup.command) failed ("
                        + (r.timedOut() ? "did not finish within " + Durations.format(COMMAND_TIMEOUT)
                                : "exit code " + r.exitCode()) + ": " + r.firstLine(300) + "): " + line);
            }
            if (!Files.isRegularFile(temp)) {
                throw new BackupException("the backup command (redundancy.backup.command) exited 0 but wrote no file "
                        + temp + " (its " + Redundancy.FILE_PLACEHOLDER + "): " + line);
            }
            Hashed h = hash(temp);
            Manifest m = new Manifest(name, h.size(), h.sha256(), clock.instant(), license, version, interval);
            // the manifest first: an archive under its name always has its manifest beside it
            m.write(Manifest.of(archive));
            Files.move(temp, archive, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("backup {} created ({} bytes, sha256 {}) in {} ms", archive, h.size(), h.sha256(),
                    (System.nanoTime() - t0) / 1_000_000);
            prune(folder);
            return new Created(archive, m);
        } catch (IOException e) {
            throw new BackupException("cannot keep the backup " + archive + ": " + e, e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                LOG.warn("cannot remove the unfinished backup {}: {}", temp, e.toString());
            }
        }
    }

    /** The archives in the folder, oldest first (their names sort by creation time). */
    public List<Path> archives() throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(backup.folder())) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(backup.folder(), PREFIX + "*" + SUFFIX)) {
            for (Path p : ds) {
                if (Files.isRegularFile(p)) {
                    out.add(p);
                }
            }
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }

    /** Deletes all but the {@code keep} newest archives, each with its manifest. */
    private void prune(Path folder) throws IOException {
        List<Path> all = archives();
        for (int i = 0; i < all.size() - backup.keep(); i++) {
            Files.deleteIfExists(Manifest.of(all.get(i)));
            Files.deleteIfExists(all.get(i));
            LOG.info("backup {} deleted: redundancy.backup.keep is {}", all.get(i), backup.keep());
        }
    }

    /** {@code base + SUFFIX}, or with {@code -2}, {@code -3} ... when two backups fall in one second. */
    private static String freeName(Path folder, String base) {
        String name = base + SUFFIX;
        for (int i = 2; i < 1000 && Files.exists(folder.resolve(name)); i++) {
            name = base + "-" + i + SUFFIX;
        }
        return name;
    }

    /** A file's size and SHA-256. */
    record Hashed(long size, String sha256) {
    }

    static Hashed hash(Path file) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        long n = 0;
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int r; (r = in.read(buf)) > 0;) {
                sha.update(buf, 0, r);
                n += r;
            }
        }
        return new Hashed(n, HexFormat.of().formatHex(sha.digest()));
    }

    /** A POSIX shell word that stands for exactly {@code s}. */
    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
