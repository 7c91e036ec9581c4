package tandem.redundancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.config.Redundancy;
import tandem.os.SystemCommands;

/** {@link Backups}: an archive under its name is whole and has its manifest; the lock keeps transfers out (RED-5). */
class BackupsTest {
    private static final Instant NOW = Instant.parse("2026-12-24T01:30:00Z");

    @TempDir
    Path dir;

    private Backups backups(String command, int keep, Clock clock) {
        return new Backups(new Redundancy.Backup(command, dir.resolve("backups"), keep, Optional.empty()),
                Nodes.ACTIVE_KEY, Nodes.VERSION, Duration.ofDays(1), dir, new SystemCommands(), clock);
    }

    @Test
    void aBackupGetsItsNameAndManifestOnlyWhenTheCommandSucceeded() throws IOException {
        Backups b = backups("printf 'full backup' > {file}", 3, Clock.fixed(NOW, ZoneOffset.UTC));

        Backups.Created c = b.create(Duration.ofSeconds(5));

        assertThat(c.archive()).isEqualTo(dir.resolve("backups/backup-20261224-013000.backup")).hasContent("full backup");
        Manifest m = Manifest.read(Manifest.of(c.archive()));
        assertThat(m).isEqualTo(c.manifest());
        assertThat(m.name()).isEqualTo("backup-20261224-013000.backup");
        assertThat(m.size()).isEqualTo(11);
        assertThat(m.sha256()).isEqualTo(Backups.hash(c.archive()).sha256());
        assertThat(m.license()).isEqualTo(Nodes.ACTIVE_KEY);
        assertThat(m.version()).isEqualTo(Nodes.VERSION);
        assertThat(m.interval()).isEqualTo(Duration.ofDays(1));
        assertThat(m.created()).isEqualTo(NOW);
        try (var files = Files.list(dir.resolve("backups"))) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("backup-")))
                    .containsExactlyInAnyOrder("backup-20261224-013000.backup", "backup-20261224-013000.backup.manifest.json");
        }
    }

    @Test
    void aFailedCommandLeavesNoArchive() throws IOException {
        Backups b = backups("printf partial > {file}; echo no space left >&2; exit 2", 3, Clock.fixed(NOW, ZoneOffset.UTC));

        assertThatThrownBy(() -> b.create(Duration.ofSeconds(5))).isInstanceOf(BackupException.class)
                .hasMessageStartingWith("the backup command (redundancy.backup.command) failed (exit code 2: no space left)");

        assertThat(b.archives()).isEmpty();
        try (var files = Files.list(dir.resolve("backups"))) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.equals(BackupLock.FILE))).isEmpty();
        }
    }

    @Test
    void aCommandThatWritesNoFileFails() {
        Backups b = backups("true {file}", 3, Clock.fixed(NOW, ZoneOffset.UTC));

        assertThatThrownBy(() -> b.create(Duration.ofSeconds(5))).isInstanceOf(BackupException.class)
                .hasMessageContaining("exited 0 but wrote no file");
    }

    @Test
    void onlyTheKeepNewestArchivesStay() throws IOException {
        for (int i = 0; i < 4; i++) {
            backups("printf " + i + " > {file}", 2, Clock.fixed(NOW.plusSeconds(60L * i), ZoneOffset.UTC))
                    .create(Duration.ofSeconds(5));
        }
        Backups b = backups("true", 2, Clock.systemUTC());

        assertThat(b.archives()).extracting(p -> p.getFileName().toString())
                .containsExactly("backup-20261224-013200.backup", "backup-20261224-013300.backup");
        assertThat(Manifest.of(dir.resolve("backups/backup-20261224-013000.backup"))).doesNotExist();
    }

    @Test
    void aCreationWaitsForTheLockBoundedAndSaysWhy() throws Exception {
        Backups b = backups("printf x > {file}", 3, Clock.fixed(NOW, ZoneOffset.UTC));
        Thread holder;
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        holder = new Thread(() -> {
            try (AutoCloseable l = b.lock("sending a backup", Duration.ofSeconds(5))) {
                held.countDown();
                release.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        holder.start();
        assertThat(held.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> b.create(Duration.ofMillis(200))).isInstanceOf(BackupException.class)
                .hasMessageStartingWith("a backup is being created in " + dir.resolve("backups") + ": waited");
        assertThat(b.archives()).isEmpty();

        release.countDown();
        holder.join(10_000);
        assertThat(b.create(Duration.ofSeconds(5)).archive()).exists();
    }
}
