package tandem.config;

import static org.assertj.core.api.Assertions.assertThat;
import static tandem.config.ConfigLoaderTest.minimal;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each cross-field rule, named in its message, on the line of the first field involved. */
class CrossFieldRulesTest {

    @Test
    void checkIntervalTimesFallMustBeBelowFailoverTimeout() {
        String yaml = minimal("ms-failover") + """
                timings:
                  check-interval: 1s
                  fall: 40
                """;

        assertThat(Errors.of(yaml)).containsExactly(
                "node1.yaml:11: timings: check-interval x fall (1s x 40 = 40s) must be below failover-timeout (30s)");
    }

    @Test
    void detectionEqualToTheTimeoutIsRejected() {
        String yaml = minimal("sbs") + """
                timings:
                  fall: 10
                """;

        assertThat(Errors.of(yaml)).containsExactly(
                "node1.yaml:11: timings: check-interval x fall (1s x 10 = 10s) must be below failover-timeout (10s)");
    }

    @Test
    void timeoutBelowTheProfileDefaultsIsReportedOnItsOwnLine() {
        String yaml = minimal("redundancy") + """
                timings:
                  rise: 1
                  failover-timeout: 12s
                """ + RedundancyConfigTest.STANDBY_SECTION;

        assertThat(Errors.of(yaml)).containsExactly(
                "node1.yaml:12: timings: check-interval x fall (5s x 3 = 15s) must be below failover-timeout (12s)");
    }

    @Test
    void twoHeartbeatsMustFitIntoTheFailoverTimeout() {
        String yaml = minimal("ms-failover") + """
                timings:
                  heartbeat-interval: 20s
                """;

        assertThat(Errors.of(yaml)).containsExactly(
                "node1.yaml:11: timings: heartbeat-interval x 2 (20s x 2 = 40s) must not exceed failover-timeout"
                        + " (30s), or one lost heartbeat fails the node over");
    }

    @Test
    void heartbeatExactlyHalfTheTimeoutIsAllowed() {
        NodeConfig c = ConfigLoader.parse("node1.yaml", minimal("ms-failover") + """
                timings:
                  heartbeat-interval: 15s
                """, Path.of("."), Map.of());

        assertThat(c.timings().heartbeatInterval()).hasSeconds(15);
    }

    @Test
    void criticalCheckerWithItsOwnIntervalMustFitTheTimeout() {
        String yaml = minimal("ms-failover") + """
                checkers:
                  - name: slow
                    type: custom
                    target: /opt/check.sh
                    interval: 10s
                  - name: slow-but-informational
                    type: custom
                    target: /opt/check.sh
                    interval: 10s
                    critical: false
                """;

        assertThat(Errors.of(yaml)).containsExactly(
                "node1.yaml:14: checkers[0].interval: interval x timings.fall (10s x 3 = 30s) must be below"
                        + " timings.failover-timeout (30s) for a critical checker");
    }

    @Test
    void peerIdMustDifferFromNodeId() {
        String yaml = """
                node: {id: node1, profile: sbs}
                cluster: {name: c, secret: 0123456789abcdef}
                peer:
                  id: node1
                  address: 10.0.0.2
                """;

        assertThat(Errors.of(yaml)).containsExactly(
                "node1.yaml:4: peer.id: must differ from node.id (\"node1\"); a node cannot be its own peer");
    }

    @Test
    void listenAndConsolePortMustDifferOnASharedAddress() {
        String yaml = minimal("ms-failover") + """
                listen:
                  port: 9010
                """;

        assertThat(Errors.of(yaml)).containsExactly(
                "node1.yaml:11: listen.port: must differ from console.port (9010) when they share an address"
                        + " (listen binds 0.0.0.0 and console binds 127.0.0.1)");
    }

    @Test
    void consolePortIsBlamedWhenListenPortIsTheDefault() {
        String yaml = minimal("ms-failover") + """
                console:
                  address: 10.0.0.1
                  port: 7401
                """;

        assertThat(Errors.of(yaml)).containsExactly(
                "node1.yaml:12: console.port: must differ from listen.port (7401) when they share an address"
                        + " (listen binds 0.0.0.0 and console binds 10.0.0.1)");
    }

    @Test
    void hawtioPortMustDifferFromTheConsolesAndTheLinksPort() {
        String clash = minimal("ms-failover") + """
                console:
                  port: 9010
                  hawtio-port: 9010
                """;
        assertThat(Errors.of(clash)).containsExactly(
                "node1.yaml:12: console.hawtio-port: must differ from console.port (9010): Hawtio binds the"
                        + " console's address (127.0.0.1)");

        String link = minimal("ms-failover") + """
                console:
                  hawtio-port: 7401
                """;
        assertThat(Errors.of(link)).containsExactly(
                "node1.yaml:11: console.hawtio-port: must differ from listen.port (7401) when they share an address"
                        + " (listen binds 0.0.0.0, Hawtio binds console.address 127.0.0.1)");

        String range = minimal("ms-failover") + """
                console:
                  hawtio-port: 70000
                """;
        assertThat(Errors.of(range)).containsExactly("node1.yaml:11: console.hawtio-port: must be 1..65535, got 70000");

        String fine = minimal("ms-failover") + """
                console:
                  hawtio-port: 9011
                """;
        assertThat(ConfigLoader.parse("node1.yaml", fine, Path.of("."), Map.of()).console().hawtioPort()).contains(9011);
    }

    @Test
    void samePortOnDifferentAddressesOrDisabledConsoleIsAllowed() {
        NodeConfig separate = ConfigLoader.parse("node1.yaml", minimal("ms-failover") + """
                listen: {address: 10.0.0.1, port: 9010}
                console: {address: 192.168.0.1}
                """, Path.of("."), Map.of());
        NodeConfig disabled = ConfigLoader.parse("node1.yaml", minimal("ms-failover") + """
                listen: {port: 9010}
                console: {enabled: false}
                """, Path.of("."), Map.of());

        assertThat(separate.listen().port()).isEqualTo(separate.console().port());
        assertThat(disabled.console().enabled()).isFalse();
    }

    @Test
    void checkerResourceNamesMustBeUnique() {
        String yaml = minimal("ms-failover") + """
                checkers:
                  - {name: app, type: proc, target: app}
                  - {name: app, type: service, target: app}
                  - {name: app, type: proc, target: app2}
                """;

        assertThat(Errors.of(yaml)).containsExactly(
                "node1.yaml:13: checkers[2].name: duplicate resource \"proc.app\"; checkers[0] (line 11) already uses it");
    }

    @Test
    void serviceNamesMustBeUnique() {
        String yaml = minimal("ms-failover") + """
                services:
                  - name: mgmt
                    type: systemd
                    unit: a
                  - name: mgmt
                    type: windows
                    unit: b
                """;

        assertThat(Errors.of(yaml)).containsExactly(
                "node1.yaml:14: services[1].name: duplicate service name \"mgmt\"; services[0] (line 11) already uses it");
    }

    @Test
    void folderPathsMustBeUniqueAfterResolution() {
        Path base = Path.of("/srv/tandem");
        String yaml = minimal("ms-failover") + """
                replication:
                  folders:
                    - path: data
                    - path: /srv/tandem/./data
                """;

        assertThat(Errors.of(yaml, base, Map.of())).containsExactly(
                "node1.yaml:13: replication.folders[1].path: duplicate folder \"/srv/tandem/data\";"
                        + " replication.folders[0] (line 12) already uses it");
    }

    @Test
    void procAndServiceCheckersMayRunAlways() {
        NodeConfig c = ConfigLoader.parse("node1.yaml", minimal("ms-failover") + """
                checkers:
                  - {name: a, type: proc, target: a, when: always}
                  - {name: b, type: service, target: b, when: always}
                """, Path.of("."), Map.of());

        assertThat(c.checkers()).extracting(Checker::when).containsOnly(When.ALWAYS);
    }
}
