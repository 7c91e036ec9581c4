package tandem.redundancy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.config.NodeConfig;
import tandem.os.SystemCommands;

/**
 * {@link StandbyImport} and {@code tandem import}: a backup is verified against its manifest and the
 * standby's configuration before the import command runs (RED-2, RED-3), and only an import that
 * succeeded is recorded in last-import.json.
 */
class StandbyImportTest {
    private static final Instant NOW = Instant.parse("2026-12-24T02:41:07Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path dir;

    /** The import command of these tests: copies the backup to imported.bin beside the node file. */
    private NodeConfig standby() throws IOException {
        return Nodes.standby(dir, "cp {file} imported.bin");
    }

    private Path backup(String license, String version) throws IOException {
        Path archive = Files.createDirectories(dir.resolve("incoming")).resolve("backup-20261224-013000.backup");
        Files.writeString(archive, "the appliance's configuration");
        Backups.Hashed h = Backups.hash(archive);
        new Manifest(archive.getFileName().toString(), h.size(), h.sha256(), NOW.minusSeconds(600), license, version,
                Duration.ofDays(1)).write(Manifest.of(archive));
        return archive;
    }

    private StandbyImport.Outcome importing(Path archive) throws IOException {
        return new StandbyImport(standby(), new SystemCommands(), CLOCK).run(archive);
    }

    @Test
    void aBackupOfItsActiveIsImportedAndRecorded() throws IOException {
        Path archive = backup(Nodes.ACTIVE_KEY, Nodes.VERSION);

        StandbyImport.Outcome o = importing(archive);

        assertThat(o.ok()).as(o.message()).isTrue();
        assertThat(o.message()).startsWith("imported backup-20261224-013000.backup (29 bytes, SHA-256 checked,"
                + " version 8.4.2");
        assertThat(dir.resolve("imported.bin")).as("the import command ran in the node file's folder")
                .hasContent("the appliance's configuration");
        LastImport.Entry e = LastImport.read(dir.resolve("state").resolve(LastImport.FILE)).orElseThrow();
        assertThat(e.at()).isEqualTo(NOW);
        assertThat(e.name()).isEqualTo("backup-20261224-013000.backup");
        assertThat(e.interval()).isEqualTo(Duration.ofDays(1));
        assertThat(e.size()).isEqualTo(29);
        assertThat(e.sha256()).isEqualTo(Backups.hash(archive).sha256());
    }

    @Test
    void aBackupOfAnotherApplianceIsRefused() throws IOException {
        Path archive = backup("AAAAA-BBBBB-CCCCC-99999", Nodes.VERSION);

        StandbyImport.Outcome o = importing(archive);

        assertThat(o.ok()).isFalse();
        assertThat(o.message()).isEqualTo("refused: backup-20261224-013000.backup is a backup of the appliance with the"
                + " license key AAAAA-BBBBB-CCCCC-99999, not of this standby's active " + Nodes.ACTIVE_KEY
                + " (redundancy.active-license-key in " + dir.resolve("standby.yaml") + ", RED-3)");
        assertNothingImported();
    }

    @Test
    void aBackupOfAnotherVersionIsRefused() throws IOException {
        Path archive = backup(Nodes.ACTIVE_KEY, "8.5.0");

        StandbyImport.Outcome o = importing(archive);

        assertThat(o.ok()).isFalse();
        assertThat(o.message()).isEqualTo("refused: backup-20261224-013000.backup is a backup of version 8.5.0, this"
                + " standby runs version 8.4.2 (redundancy.version in " + dir.resolve("standby.yaml") + "); both nodes"
                + " must run the same version (RED-2)");
        assertNothingImported();
    }

    @Test
    void aBackupWhoseSha256DiffersFromItsManifestIsRefused() throws IOException {
        Path archive = backup(Nodes.ACTIVE_KEY, Nodes.VERSION);
        Files.writeString(archive, "the appliance's configuratioN");

        StandbyImport.Outcome o = importing(archive);

        assertThat(o.ok()).isFalse();
        assertThat(o.message()).startsWith("refused: backup-20261224-013000.backup is not the backup its manifest"
                + " describes: SHA-256 " + Backups.hash(archive).sha256() + " (29 bytes) here, the manifest says ")
                .endsWith("(29 bytes); the file is damaged or incomplete");
        assertNothingImported();
    }

    @Test
    void aBackupWithoutItsManifestIsRefusedNamingTheManifest() throws IOException {
        Path archive = backup(Nodes.ACTIVE_KEY, Nodes.VERSION);
        Files.delete(Manifest.of(archive));

        StandbyImport.Outcome o = importing(archive);

        assertThat(o.ok()).isFalse();
        assertThat(o.message()).startsWith("refused: " + Manifest.of(archive) + ": missing");
    }

    @Test
    void aBackupRenamedAwayFromItsManifestIsRefused() throws IOException {
        Path archive = backup(Nodes.ACTIVE_KEY, Nodes.VERSION);
        Path renamed = archive.resolveSibling("other.backup");
        Files.move(archive, renamed);
        Files.move(Manifest.of(archive), Manifest.of(renamed));

        StandbyImport.Outcome o = importing(renamed);

        assertThat(o.ok()).isFalse();
        assertThat(o.message()).isEqualTo("refused: the manifest " + Manifest.of(renamed) + " describes"
                + " backup-20261224-013000.backup, not other.backup");
    }

    @Test
    void aFailedImportCommandLeavesTheRecordAsItWas() throws IOException {
        Path archive = backup(Nodes.ACTIVE_KEY, Nodes.VERSION);
        NodeConfig c = Nodes.standby(dir, "echo disk full >&2; exit 3 # {file}");

        StandbyImport.Outcome o = new StandbyImport(c, new SystemCommands(), CLOCK).run(archive);

        assertThat(o.ok()).isFalse();
        assertThat(o.message()).startsWith("the import command (redundancy.import.command) failed (exit code 3: disk full)");
        assertThat(dir.resolve("state").resolve(LastImport.FILE)).doesNotExist();
    }

    @Test
    void tandemImportExitsZeroOnSuccessAndOneWithTheReason() throws IOException {
        Path archive = backup(Nodes.ACTIVE_KEY, Nodes.VERSION);
        standby();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int ok = tandem.cli.Main.run(new String[] {"import", "--config", dir.resolve("standby.yaml").toString(), "--file",
                archive.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true,
                StandardCharsets.UTF_8));

        assertThat(ok).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("imported backup-20261224-013000.backup");

        Files.writeString(archive, "changed");
        err.reset();
        int refused = tandem.cli.Main.run(new String[] {"import", "--config", dir.resolve("standby.yaml").toString(),
                "--file", archive.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(refused).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("refused: ");
    }

    private void assertNothingImported() {
        assertThat(dir.resolve("imported.bin")).doesNotExist();
        assertThat(dir.resolve("state").resolve(LastImport.FILE)).doesNotExist();
    }
}
