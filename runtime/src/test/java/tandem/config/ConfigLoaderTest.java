package tandem.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final Map<String, String> ENV = Map.of("TANDEM_SECRET", "s3cret-s3cret-s3cret");

    @TempDir
    Path dir;

    @Test
    void fullConfigKeepsEveryValue() throws IOException {
        Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(dir.resolve("secrets/mail.pw"), "  mail-pw\n");

        NodeConfig c = ConfigLoader.parse("node1.yaml", resource("full-node1.yaml"), dir, ENV);

        assertThat(c.file()).isEqualTo(dir.resolve("node1.yaml"));
        assertThat(c.baseDir()).isEqualTo(dir);
        assertThat(c.node()).isEqualTo(new Node("node1", Profile.MS_FAILOVER, 10, dir.resolve("var/node1"), false));
        assertThat(c.cluster().name()).isEqualTo("cluster1");
        assertThat(c.cluster().secret().reveal()).isEqualTo("s3cret-s3cret-s3cret");
        assertThat(c.cluster().secret().source()).isEqualTo("env:TANDEM_SECRET");
        assertThat(c.cluster().license()).contains(dir.resolve("licenses/failover.lic"));
        assertThat(c.listen()).isEqualTo(new Endpoint("10.0.0.1", 7501));
        assertThat(c.peer()).isEqualTo(new Peer("node2", "10.0.0.2", 7502,
                Optional.of(new Endpoint("192.168.1.2", 7502))));
        assertThat(c.witness()).contains(new Witness("10.0.0.254", 443));
        assertThat(c.witness().orElseThrow().resource()).isEqualTo("tcp.witness");
        assertThat(c.timings()).isEqualTo(new Timings(Duration.ofMillis(500), Duration.ofSeconds(2),
                Duration.ofMinutes(1), 3, 4));
        assertThat(c.checkers()).containsExactly(
                new Checker("management", CheckerType.PROC, "MgmtServer", 2, true, When.ACTIVE, Optional.empty()),
                new Checker("gateway", CheckerType.PING, "10.0.0.254", 1, false, When.ALWAYS, Optional.empty()),
                new Checker("api", CheckerType.TCP, "localhost:8080", 1, true, When.ALWAYS,
                        Optional.of(Duration.ofSeconds(5))));
        assertThat(c.checkers()).extracting(Checker::resource).containsExactly("proc.management", "ping.gateway", "tcp.api");
        assertThat(c.services()).containsExactly(
                new Service("management", ServiceType.SYSTEMD, Optional.of("mgmt.service"), Optional.empty(),
                        Optional.empty(), Optional.empty(), Duration.ofSeconds(60), Duration.ofSeconds(30)),
                new Service("events", ServiceType.WINDOWS, Optional.of("EventServer"), Optional.empty(),
                        Optional.empty(), Optional.empty(), Duration.ofMinutes(2), Duration.ofSeconds(30)),
                new Service("logs", ServiceType.COMMAND, Optional.empty(), Optional.of("/opt/app/bin/logs start"),
                        Optional.of("/opt/app/bin/logs stop"), Optional.empty(), Duration.ofSeconds(60),
                        Duration.ofSeconds(10)),
                new Service("collector", ServiceType.PROCESS, Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.of("/opt/app/bin/collector --foreground"), Duration.ofSeconds(60),
                        Duration.ofSeconds(30)));
        assertThat(c.vip()).contains(new Vip("192.168.178.249", 25, "eth0"));
        assertThat(c.replication()).isEqualTo(new Replication(ReplicationMode.PERIODIC, Duration.ofMinutes(5), true,
                List.of(new Folder(Path.of("/var/lib/app"), List.of("**"), List.of(), false, false),
                        new Folder(dir.resolve("data/config"), List.of("*.xml", "**/*.json"), List.of("tmp/**"),
                                true, true, Optional.of(dir.resolve("standby/config")))),
                Optional.of("/opt/app/bin/dump --to /var/lib/app/dump"),
                Optional.of("/opt/app/bin/restore --from /var/lib/app/dump"), Optional.of(7511), Optional.of(7512),
                List.of(Path.of("/srv/extra"), dir.resolve("extra"))));
        assertThat(c.replication().folders().get(0).standbyPath()).isEqualTo(Path.of("/var/lib/app"));
        assertThat(c.syncPort()).isEqualTo(7511);
        assertThat(c.peerSyncPort()).isEqualTo(7512);
        Mail mail = c.mail().orElseThrow();
        assertThat(mail.host()).isEqualTo("smtp.example.org");
        assertThat(mail.port()).isEqualTo(587);
        assertThat(mail.username()).contains("tandem");
        assertThat(mail.password().orElseThrow().reveal()).isEqualTo("mail-pw");
        assertThat(mail.security()).isEqualTo(MailSecurity.STARTTLS);
        assertThat(mail.from()).isEqualTo("tandem@example.org");
        assertThat(mail.to()).containsExactly("ops@example.org", "oncall@example.org");
        // no console.address: the peer link's listen address, never every address by surprise
        assertThat(c.console()).isEqualTo(new Console(true, "10.0.0.1", 9443, ConsoleProtocol.HTTPS, "operator",
                Optional.of(Secret.literal("pbkdf2-sha256$100000$AAECAwQFBgcICQoLDA0ODw$yNEi7NuUd81IprF1DFmFwLiwUVjQQNIFF8zbSYZd5DY")), Duration.ofSeconds(5), Duration.ofMinutes(2),
                8));
        assertThat(c.extensions()).isEqualTo(new Extensions(List.of(dir.resolve("site-rules")),
                List.of(Path.of("/opt/tandem/routes-extra"))));
    }

    @Test
    void minimalSbsConfigGetsSbsDefaults() {
        NodeConfig c = ConfigLoader.parse("node1.yaml", resource("minimal-sbs.yaml"), dir, Map.of());

        assertThat(c.node()).isEqualTo(new Node("print-a", Profile.SBS, 0, dir.resolve("state/print-a"), true));
        assertThat(c.cluster().secret().source()).isEqualTo("literal");
        assertThat(c.cluster().license()).isEmpty();
        assertThat(c.listen()).isEqualTo(new Endpoint("0.0.0.0", 4445)); // SBS-1
        assertThat(c.peer()).isEqualTo(new Peer("print-b", "print-b.example.org", 4445, Optional.empty()));
        assertThat(c.witness()).isEmpty();
        assertThat(c.timings()).isEqualTo(new Timings(Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(10), 2, 3));
        assertThat(c.checkers()).isEmpty();
        assertThat(c.services()).isEmpty();
        assertThat(c.vip()).isEmpty();
        assertThat(c.replication()).isEqualTo(new Replication(ReplicationMode.PERIODIC, Duration.ofSeconds(60),
                false, List.of()));
        assertThat(c.mail()).isEmpty();
        // the link listens on every address: the console on loopback only
        assertThat(c.console()).isEqualTo(new Console(true, "127.0.0.1", 9010, ConsoleProtocol.HTTP, "admin",
                Optional.empty(), Duration.ofSeconds(10), Duration.ofSeconds(60), 32));
        assertThat(c.extensions()).isEqualTo(new Extensions(List.of(), List.of()));
    }

    @Test
    void msFailoverDefaultsFollowMs3() {
        NodeConfig c = ConfigLoader.parse("node1.yaml", minimal("ms-failover"), dir, Map.of());

        assertThat(c.listen().port()).isEqualTo(7401);
        assertThat(c.peer().port()).isEqualTo(7401);
        assertThat(c.timings()).isEqualTo(new Timings(Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(30), 2, 3));
        assertThat(c.replication().mode()).isEqualTo(ReplicationMode.CONTINUOUS);
        assertThat(c.syncPort()).as("listen.port + 2").isEqualTo(7403);
        assertThat(c.peerSyncPort()).as("peer.port + 2").isEqualTo(7403);
    }

    @Test
    void aSyncPortThatIsAlsoTheConsolePortIsAnError() {
        String yaml = minimal("ms-failover") + "console: {address: 0.0.0.0, port: 7403}\n";
        assertThatThrownBy(() -> ConfigLoader.parse("node1.yaml", yaml, dir, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("replication.port: the sync channel's port 7403 is also console.port");
    }

    @Test
    void sbsRolesAndTheBackupLicense() {
        String yaml = minimal("sbs").replace("  profile: sbs\n", "  profile: sbs\n  role: backup-only\n  backup-license: true\n");
        NodeConfig c = ConfigLoader.parse("node1.yaml", yaml, dir, Map.of());
        assertThat(c.node().role()).isEqualTo(Role.BACKUP_ONLY);
        assertThat(c.node().backupLicense()).isTrue();
        assertThat(ConfigLoader.parse("node1.yaml", minimal("sbs"), dir, Map.of()).node())
                .extracting(Node::role, Node::backupLicense).containsExactly(Role.SYMMETRIC, false);
    }

    @Test
    void aMailLoginNeedsBothHalvesAndATrustStoreNeedsTls() {
        String yaml = minimal("sbs") + """
                mail:
                  host: smtp.example.com
                  username: tandem
                  from: a@example.com
                  to: b@example.com
                  trust-store: ca.p12
                """;
        assertThatThrownBy(() -> ConfigLoader.parse("node1.yaml", yaml, dir, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("node1.yaml:12: mail.password: a login needs both username and password")
                .hasMessageContaining("mail.trust-store: applies to security ssl or starttls; security is none");
    }

    @Test
    void rolesBelongToTheSbsProfileAndAreSpelledOut() {
        String ms = minimal("ms-failover").replace("  profile: ms-failover\n",
                "  profile: ms-failover\n  role: primary-only\n  backup-license: true\n");
        assertThatThrownBy(() -> ConfigLoader.parse("node1.yaml", ms, dir, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("node.role: is an option of the sbs profile only (SBS-3, SBS-12), not of ms-failover")
                .hasMessageContaining("node.backup-license: is an option of the sbs profile only");
        String typo = minimal("sbs").replace("  profile: sbs\n", "  profile: sbs\n  role: primary\n");
        assertThatThrownBy(() -> ConfigLoader.parse("node1.yaml", typo, dir, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("node.role")
                .hasMessageContaining("primary-only");
    }

    @Test
    void aReplicatedFolderThatHoldsTheStateDirIsAnError() {
        String yaml = minimal("ms-failover") + "replication:\n  folders:\n    - path: /srv\n";
        String withState = yaml.replace("  profile: ms-failover\n", "  profile: ms-failover\n  state-dir: /srv/tandem\n");
        assertThatThrownBy(() -> ConfigLoader.parse("node1.yaml", withState, dir, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("replication.folders[0].path: holds node.state-dir (/srv/tandem)");
    }

    @Test
    void redundancyDefaults() {
        NodeConfig c = ConfigLoader.parse("node1.yaml", minimal("redundancy") + RedundancyConfigTest.STANDBY_SECTION,
                dir, Map.of());

        assertThat(c.listen().port()).isEqualTo(7403);
        assertThat(c.peer().port()).isEqualTo(7403);
        assertThat(c.timings()).isEqualTo(new Timings(Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofSeconds(60), 2, 3));
        assertThat(c.replication().mode()).isEqualTo(ReplicationMode.PERIODIC);
    }

    @Test
    void yamlValuesOverrideProfileDefaults() {
        String yaml = minimal("redundancy") + """
                timings:
                  failover-timeout: 2m
                replication:
                  mode: continuous
                """ + RedundancyConfigTest.STANDBY_SECTION;
        NodeConfig c = ConfigLoader.parse("node1.yaml", yaml, dir, Map.of());

        assertThat(c.timings().failoverTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.timings().checkInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.replication().mode()).isEqualTo(ReplicationMode.CONTINUOUS);
    }

    @Test
    void checkerWhenDefaultsByType() {
        String yaml = minimal("ms-failover") + """
                checkers:
                  - {name: a, type: proc, target: x}
                  - {name: b, type: service, target: x}
                  - {name: c, type: tcp, target: "db:5432"}
                  - {name: d, type: ping, target: 10.0.0.9}
                  - {name: e, type: interface, target: eth1}
                  - {name: f, type: vip, target: 192.168.178.249}
                  - {name: g, type: custom, target: /bin/true}
                  - {name: h, type: proc, target: x, when: always}
                """;
        NodeConfig c = ConfigLoader.parse("node1.yaml", yaml, dir, Map.of());

        assertThat(c.checkers()).extracting(Checker::when).containsExactly(When.ACTIVE, When.ACTIVE, When.ACTIVE,
                When.ALWAYS, When.ALWAYS, When.ACTIVE, When.ALWAYS, When.ALWAYS);
    }

    @Test
    void relativePathsResolveAgainstBaseDir() {
        String yaml = """
                node:
                  id: node1
                  profile: ms-failover
                  state-dir: ../shared/state
                cluster:
                  name: c
                  secret: 0123456789abcdef
                  license: lic/./node.lic
                peer: {id: node2, address: 10.0.0.2}
                replication:
                  folders:
                    - path: data
                extensions:
                  rules: rules-site
                  routes: [routes-a, /abs/routes-b]
                  scenarios: scenarios-site
                """;
        Path base = dir.resolve("site");
        NodeConfig c = ConfigLoader.parse("conf/node1.yaml", yaml, base, Map.of());

        assertThat(c.baseDir()).isEqualTo(base);
        assertThat(c.node().stateDir()).isEqualTo(dir.resolve("shared/state")).isAbsolute();
        assertThat(c.cluster().license()).contains(base.resolve("lic/node.lic"));
        assertThat(c.replication().folders()).extracting(Folder::path).containsExactly(base.resolve("data"));
        assertThat(c.extensions().rules()).containsExactly(base.resolve("rules-site"));
        assertThat(c.extensions().routes()).containsExactly(base.resolve("routes-a"), Path.of("/abs/routes-b"));
        assertThat(c.extensions().scenarios()).containsExactly(base.resolve("scenarios-site"));
    }

    @Test
    void relativeBaseDirBecomesAbsolute() {
        NodeConfig c = ConfigLoader.parse("node1.yaml", minimal("sbs"), Path.of("samples/sbs"), Map.of());

        Path base = Path.of("samples/sbs").toAbsolutePath();
        assertThat(c.node().stateDir()).isEqualTo(base.resolve("state/node1"));
        assertThat(c.file()).isEqualTo(base.resolve("node1.yaml"));
    }

    @Test
    void loadReadsFileAndResolvesAgainstItsFolder() throws IOException {
        Path site = Files.createDirectories(dir.resolve("site"));
        Path file = Files.writeString(site.resolve("node1.yaml"), minimal("ms-failover"));

        NodeConfig c = ConfigLoader.load(file);

        assertThat(c.file()).isEqualTo(file);
        assertThat(c.baseDir()).isEqualTo(site);
        assertThat(c.node().stateDir()).isEqualTo(site.resolve("state/node1"));
    }

    @Test
    void loadNamesTheFileAsGivenInErrors() throws IOException {
        Path file = Files.writeString(dir.resolve("node1.yaml"), minimal("ms-failover") + "extra: 1\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ":10: extra: unknown field; valid fields here are node, cluster, listen, peer,"
                        + " witness, timings, checkers, services, vip, replication, mail, console, extensions,"
                        + " fencing, rules, redundancy");
    }

    @Test
    void missingFileIsAConfigError() {
        Path file = dir.resolve("nope.yaml");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": file not found (" + file + ")");
    }

    @Test
    void aFileOverTheSizeLimitIsRefusedWithItsSizeAndNotRead() throws IOException {
        Path file = dir.resolve("big.yaml");
        try (var out = Files.newOutputStream(file)) {
            byte[] comment = "#".repeat(1023).concat("\n").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 50 * 1024; i++) {
                out.write(comment);
            }
        }

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ": is 52428800 bytes; a configuration is at most 1 MiB");
    }

    @Test
    void aDeviceIsReadOnlyUpToTheLimit() {
        Path zero = Path.of("/dev/zero");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(zero), "a system with /dev/zero");

        assertThatThrownBy(() -> ConfigLoader.load(zero))
                .isInstanceOf(ConfigException.class)
                .hasMessage("/dev/zero: is not a regular file (a device, pipe or socket) and gives more than 1 MiB;"
                        + " a configuration is at most 1 MiB");
    }

    @Test
    void aFolderIsNotAConfiguration() {
        assertThatThrownBy(() -> ConfigLoader.load(dir))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir + ": is a folder, not a file");
    }

    @Test
    void textThatIsNotUtf8NamesTheLineAndColumnOfTheFirstBadByte() throws IOException {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, (minimal("ms-failover") + "# caf\u00e9 au lait\n").getBytes(StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ":10: is not UTF-8 text: the byte 0xe9 in column 6 is not UTF-8; save the file as UTF-8");
    }

    @Test
    void recordsAreImmutable() {
        NodeConfig c = ConfigLoader.parse("node1.yaml", minimal("ms-failover") + """
                checkers:
                  - {name: a, type: proc, target: x}
                """, dir, Map.of());

        assertThatThrownBy(() -> c.checkers().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> c.replication().folders().add(null)).isInstanceOf(UnsupportedOperationException.class);
    }

    /** Nine lines: the smallest valid file for {@code profile}. */
    static String minimal(String profile) {
        return """
                node:
                  id: node1
                  profile: %s
                cluster:
                  name: cluster1
                  secret: 0123456789abcdef
                peer:
                  id: node2
                  address: 10.0.0.2
                """.formatted(profile);
    }

    static String resource(String name) {
        try (InputStream in = ConfigLoaderTest.class.getResourceAsStream("/config/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
