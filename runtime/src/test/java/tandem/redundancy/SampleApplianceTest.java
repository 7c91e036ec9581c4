package tandem.redundancy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;
import tandem.config.Redundancy;
import tandem.os.SystemCommands;

/**
 * samples/redundancy with its sample appliance (appliance/: a data folder, backup.sh, import.sh), copied to
 * a test folder: the active's backup command creates a full backup with its manifest, and the standby's
 * import verifies it and restores the appliance's data, on one machine without root.
 */
class SampleApplianceTest {
    @TempDir
    Path dir;

    @Test
    void theActivesBackupIsImportedByTheStandby() throws IOException {
        Path samples = copy(Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize()
                .resolve("samples/redundancy"), dir.resolve("redundancy"));
        for (String node : new String[] {"active.yaml", "standby.yaml"}) {
            Path f = samples.resolve(node);
            Files.writeString(f, Files.readString(f).replace("/tmp/tandem-redundancy", dir.resolve("out").toString()));
        }
        NodeConfig active = ConfigLoader.load(samples.resolve("active.yaml"));
        NodeConfig standby = ConfigLoader.load(samples.resolve("standby.yaml"));
        Redundancy r = active.redundancy().orElseThrow();

        Backups.Created b = new Backups(r.backup().orElseThrow(), r.licenseKey().toString(), r.version(),
                Schedule.of(r.schedule().orElseThrow()).interval(), samples, new SystemCommands(), Clock.systemUTC())
                .create(Duration.ofSeconds(30));
        StandbyImport.Outcome o = new StandbyImport(standby, new SystemCommands(), Clock.systemUTC()).run(b.archive());

        assertThat(o.ok()).as(o.message()).isTrue();
        Path restored = dir.resolve("out/standby-data");
        for (String file : new String[] {"users.csv", "devices.csv", "forwarding.csv"}) {
            assertThat(restored.resolve(file)).hasSameTextualContentAs(samples.resolve("appliance/data").resolve(file));
        }
        assertThat(LastImport.read(standby.node().stateDir().resolve(LastImport.FILE)).orElseThrow().name())
                .isEqualTo(b.archive().getFileName().toString());
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!from.relativize(p).startsWith("state")) {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }
}
