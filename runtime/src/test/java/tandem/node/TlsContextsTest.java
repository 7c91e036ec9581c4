package tandem.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.TandemException;
import tandem.config.ConfigException;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;

class TlsContextsTest {

    private static final String BASE = """
            node: {id: node1, profile: ms-failover}
            cluster: {name: c, secret: "0123456789abcdef0123"}
            peer:
              id: node2
              address: 10.0.0.2
              tls: {keystore: %s, password: "%s"}
            """;

    private static void keytool(Path dir, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Path keytool = Path.of(java).resolveSibling("keytool");
        List<String> cmd = new java.util.ArrayList<>(List.of(keytool.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    @Test
    void aPkcs12KeystoreGivesTheLinksTlsContext(@TempDir Path dir) throws Exception {
        keytool(dir, "-genkeypair", "-alias", "node1", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=node1",
                "-validity", "30", "-storetype", "PKCS12", "-keystore", "node1.p12", "-storepass", "changeit1");
        NodeConfig c = ConfigLoader.parse("node1.yaml", BASE.formatted("node1.p12", "changeit1"), dir, Map.of());
        assertThat(c.peer().tls()).hasValueSatisfying(t -> assertThat(t.keystore()).isEqualTo(dir.resolve("node1.p12")));
        SSLContext ctx = TlsContexts.of(c, c.peer().tls().orElseThrow());
        assertThat(ctx.getProtocol()).isEqualTo("TLSv1.3");

        NodeConfig wrong = ConfigLoader.parse("node1.yaml", BASE.formatted("node1.p12", "not-the-password"), dir, Map.of());
        assertThatThrownBy(() -> TlsContexts.of(wrong, wrong.peer().tls().orElseThrow()))
                .isInstanceOf(TandemException.class)
                .hasMessageContaining("peer.tls.keystore: cannot use " + dir.resolve("node1.p12"));
    }

    @Test
    void aMissingKeystoreIsAConfigError(@TempDir Path dir) {
        assertThatThrownBy(() -> ConfigLoader.parse("node1.yaml", BASE.formatted("missing.p12", "x"), dir, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("node1.yaml:6: peer.tls.keystore: no such file " + dir.resolve("missing.p12"));
        assertThat(Files.exists(dir.resolve("missing.p12"))).isFalse();
    }
}
