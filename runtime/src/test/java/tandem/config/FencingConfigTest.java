package tandem.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** YAML {@code fencing:}: optional, a command and a timeout. */
class FencingConfigTest {

    @Test
    void absentMeansNoFencingAndTheTimeoutDefaultsTo30s() {
        NodeConfig none = ConfigLoader.parse("node1.yaml", ConfigLoaderTest.minimal("ms-failover"), Path.of("."), Map.of());
        assertThat(none.fencing()).isEmpty();

        NodeConfig c = ConfigLoader.parse("node1.yaml", ConfigLoaderTest.minimal("ms-failover") + """
                fencing:
                  command: "  ssh -o BatchMode=yes root@10.0.0.2 systemctl stop app  "
                """, Path.of("."), Map.of());
        assertThat(c.fencing()).contains(new Fencing("ssh -o BatchMode=yes root@10.0.0.2 systemctl stop app",
                Duration.ofSeconds(30)));
        tandem.engine.Transitions table = tandem.engine.ProfileSpec.load(
                Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize(), "ms-failover").transitions();
        assertThat(tandem.engine.Setups.of(c, table).settings().fencing()).isTrue();
        assertThat(tandem.engine.Setups.of(none, table).settings().fencing()).isFalse();
    }

    @Test
    void everyMistakeNamesItsLine() {
        assertThat(Errors.of(ConfigLoaderTest.minimal("ms-failover") + """
                fencing:
                  timeout: 20m
                  comand: poweroff
                """)).containsExactly(
                "node1.yaml:10: fencing.command: missing required field",
                "node1.yaml:11: fencing.timeout: must be at most 10m: a takeover waits for it, got \"20m\"",
                "node1.yaml:12: fencing.comand: unknown field; did you mean \"command\"?");
        assertThat(Errors.of(ConfigLoaderTest.minimal("ms-failover") + """
                fencing:
                  command: "   "
                  timeout: soon
                """)).containsExactly(
                "node1.yaml:11: fencing.command: must not be empty",
                "node1.yaml:12: fencing.timeout: must be a duration such as 500ms, 30s, 5m, 2h or 1d, got \"soon\"");
        assertThat(Errors.of(ConfigLoaderTest.minimal("ms-failover") + "fencing: yes\n"))
                .singleElement().asString().startsWith("node1.yaml:10: fencing: ");
    }
}
