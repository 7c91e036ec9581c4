package tandem.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.actions.Await;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;
import tandem.node.ApiBean;
import tandem.node.Assembly;
import tandem.node.Ports;
import tandem.node.Wiring;
import tandem.routes.LoadedRoutes;

/**
 * {@code tandem command trust-standby-key} on a redundancy node assembled from the shipped rules and
 * routes, through the HTTP API's command entry, against a real SSH server (MINA SSHD) standing in for
 * the standby's OpenSSH (RED-6): the command route reads the presented key, the rules
 * (rules/redundancy/hostkey.drl) answer, the action route writes known_hosts. An unknown key is shown,
 * then recorded once its fingerprint is confirmed; a wrong fingerprint records nothing; a changed key is
 * shown with the old one and replaces it once confirmed, keeping every other line; the standby refuses.
 */
class TrustStandbyKeyTest {
    private static final String CMD = "trust-standby-key";

    @TempDir
    Path dir;

    private static Path home() {
        return Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The active's configuration, its standby's SSH on {@code sshPort}; known_hosts in the state dir. */
    private NodeConfig active(int sshPort) throws Exception {
        Files.writeString(dir.resolve("cluster.secret"), "trust-standby-key-test-secret-0123\n");
        Path file = dir.resolve("active.yaml");
        Files.writeString(file, """
                node: {id: active, profile: redundancy, state-dir: state}
                cluster: {name: test, secret: "${file:cluster.secret}"}
                listen: {address: 127.0.0.1, port: %d}
                peer: {id: standby, address: 127.0.0.1, port: %d}
                console: {address: 127.0.0.1, port: %d}
                redundancy:
                  role: active
                  license-key: XXXXX-YYYYY-ZZZZZ-11111
                  version: "8.4.2"
                  backup: {command: "backup {file}", folder: backups}
                  schedule: {unit: days, every: 1, start-date: 24.12.2026, start-time: "02:30"}
                  standby: {address: 127.0.0.1, ssh-port: %d, password: secret, folder: /tmp/incoming,
                            import-command: "import {file}"}
                """.formatted(freePort(), freePort(), freePort(), sshPort));
        return ConfigLoader.load(file);
    }

    private NodeConfig standby() throws Exception {
        Files.writeString(dir.resolve("cluster.secret"), "trust-standby-key-test-secret-0123\n");
        Path file = dir.resolve("standby.yaml");
        Files.writeString(file, """
                node: {id: standby, profile: redundancy, state-dir: state-standby}
                cluster: {name: test, secret: "${file:cluster.secret}"}
                listen: {address: 127.0.0.1, port: %d}
                peer: {id: active, address: 127.0.0.1, port: %d}
                console: {address: 127.0.0.1, port: %d}
                redundancy:
                  role: standby
                  license-key: DDDDD-FFFFF-TTTTT-22222
                  active-license-key: XXXXX-YYYYY-ZZZZZ-11111
                  version: "8.4.2"
                  import: {command: "import {file}", folder: incoming}
                """.formatted(freePort(), freePort(), freePort()));
        return ConfigLoader.load(file);
    }

    /** A node of {@code c} with its engine and routes running. */
    private record Node(Wiring wiring, LoadedRoutes routes, ApiBean api, String auth) implements AutoCloseable {
        static Node start(NodeConfig c) {
            Assembly a = Assembly.of(home(), c);
            Wiring w = a.wire(Ports.inert(c), a.compileRules());
            LoadedRoutes r = a.loadRoutes(w);
            w.loop().start();
            r.start();
            w.attach(a, r);
            return new Node(w, r, (ApiBean) w.beans().get("api"), "Bearer " + new tandem.node.ApiTokens(c.node().stateDir()).create("test"));
        }

        ApiBean.Response command(String args) {
            return api.command(auth, "{\"name\": \"" + CMD + "\", \"args\": {" + args + "}}");
        }

        @Override
        public void close() {
            routes.close();
            wiring.close();
        }
    }

    @Test
    void anUnknownKeyIsShownThenRecordedOnceItsFingerprintIsConfirmed() throws Exception {
        try (StandbySsh ssh = StandbySsh.start()) {
            NodeConfig c = active(ssh.port());
            Path knownHosts = c.redundancy().orElseThrow().standby().orElseThrow().knownHosts();
            assertThat(knownHosts).as("the default: the state dir's known_hosts").isEqualTo(c.node().stateDir()
                    .resolve("known_hosts"));
            String fp = HostKeys.fingerprint(ssh.hostKey.getPublic());
            try (Node node = Node.start(c)) {
                ApiBean.Response shown = node.command("");

                assertThat(shown.code()).as(shown.json()).isEqualTo(409);
                assertThat(shown.json()).contains("the standby 127.0.0.1:" + ssh.port() + " presents ssh-ed25519 " + fp
                        + ", which " + knownHosts + " does not hold yet", "--confirm --fingerprint " + fp);
                assertThat(knownHosts).doesNotExist();

                ApiBean.Response wrong = node.command("\"confirm\": \"true\", \"fingerprint\": \"SHA256:"
                        + "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU\"");

                assertThat(wrong.code()).as(wrong.json()).isEqualTo(409);
                assertThat(wrong.json()).contains("not the confirmed SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU:"
                        + " nothing recorded");
                assertThat(knownHosts).doesNotExist();

                // an operator cannot pass the observation off as their own: the route's reading wins
                ApiBean.Response forged = node.command("\"confirm\": \"true\", \"fingerprint\": \"SHA256:x\","
                        + " \"presented-fingerprint\": \"SHA256:x\", \"presented-status\": \"unknown\"");
                assertThat(forged.code()).as(forged.json()).isEqualTo(409);
                assertThat(forged.json()).contains("presents ssh-ed25519 " + fp + ", not the confirmed SHA256:x");

                ApiBean.Response confirmed = node.command("\"confirm\": \"true\", \"fingerprint\": \"" + fp + "\"");

                assertThat(confirmed.code()).as(confirmed.json()).isEqualTo(200);
                assertThat(confirmed.json()).contains("recording ssh-ed25519 " + fp + " of the standby 127.0.0.1:"
                        + ssh.port() + " in " + knownHosts);
                Await.until(Duration.ofSeconds(10), "the key in known_hosts",
                        () -> Files.exists(knownHosts) && HostKeys.fetch(ssh.passwordTarget(knownHosts)).trusted());
                assertThat(Files.readAllLines(knownHosts)).hasSize(1);
                assertThat(Files.getPosixFilePermissions(knownHosts)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
                Await.until(Duration.ofSeconds(10), "the action's result", () -> node.wiring().events().recent().stream()
                        .anyMatch(e -> e.text().contains("record-standby-key")));
                assertThat(node.wiring().events().recent()).noneMatch(e -> e.text().contains("was not recorded"));

                ApiBean.Response again = node.command("");
                assertThat(again.code()).as(again.json()).isEqualTo(200);
                assertThat(again.json()).contains("trusts already: nothing to record");
            }
        }
    }

    @Test
    void aChangedKeyIsShownWithTheOldOneAndReplacesItOnceConfirmedKeepingTheOtherLines() throws Exception {
        KeyPair old = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        KeyPair elsewhere = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        try (StandbySsh ssh = StandbySsh.start()) {
            NodeConfig c = active(ssh.port());
            Path knownHosts = c.redundancy().orElseThrow().standby().orElseThrow().knownHosts();
            Files.createDirectories(knownHosts.getParent());
            Files.writeString(knownHosts, "# the site's hosts\n");
            HostKeys.record(knownHosts, "192.168.10.30", 22, elsewhere.getPublic());
            HostKeys.record(knownHosts, "127.0.0.1", ssh.port(), old.getPublic());
            String oldFp = HostKeys.fingerprint(old.getPublic());
            String fp = HostKeys.fingerprint(ssh.hostKey.getPublic());
            List<String> before = Files.readAllLines(knownHosts);
            try (Node node = Node.start(c)) {
                ApiBean.Response shown = node.command("");

                assertThat(shown.code()).as(shown.json()).isEqualTo(409);
                assertThat(shown.json()).contains("the standby's host key has CHANGED: 127.0.0.1:" + ssh.port()
                        + " presents ssh-ed25519 " + fp + ", but " + knownHosts + " holds ssh-ed25519 " + oldFp + " ("
                        + knownHosts + ":3)", "--confirm --fingerprint " + fp);
                assertThat(node.command("\"confirm\": \"true\", \"fingerprint\": \"" + oldFp + "\"").code())
                        .as("the old key is not what the standby presents").isEqualTo(409);
                assertThat(Files.readAllLines(knownHosts)).isEqualTo(before);

                ApiBean.Response confirmed = node.command("\"confirm\": \"true\", \"fingerprint\": \"" + fp + "\"");

                assertThat(confirmed.code()).as(confirmed.json()).isEqualTo(200);
                assertThat(confirmed.json()).contains(", replacing ssh-ed25519 " + oldFp);
                Await.until(Duration.ofSeconds(10), "the new key in known_hosts",
                        () -> HostKeys.fetch(ssh.passwordTarget(knownHosts)).trusted());
                List<String> after = Files.readAllLines(knownHosts);
                assertThat(after).hasSize(3).startsWith(before.get(0), before.get(1));
                assertThat(after.get(2)).startsWith("[127.0.0.1]:" + ssh.port() + " ssh-ed25519 ");
            }
        }
    }

    @Test
    void theStandbyRefusesTheCommand() throws Exception {
        try (Node node = Node.start(standby())) {
            ApiBean.Response r = node.command("\"confirm\": \"true\"");

            assertThat(r.code()).as(r.json()).isEqualTo(409);
            assertThat(r.json()).contains("this node is the standby: the active checks the standby's SSH host key");
        }
    }
}
