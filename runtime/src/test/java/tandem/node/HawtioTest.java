package tandem.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.config.ConfigLoader;
import tandem.config.PasswordHash;

/**
 * Hawtio served by one real node (GEN-3, {@code console.hawtio-port}): its page; its Jolokia refused without
 * a login; the login Hawtio's page makes ({@code POST /hawtio/auth/login}) with the console's user and
 * password, a wrong one refused; then with the session the node's MBean answers a command as the rules do,
 * and camel-management's MBean of a command route is readable. Over HTTPS with the console's certificate.
 */
class HawtioTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path dir;
    private NodeRuntime node;
    private int hawtioPort;
    private String scheme = "http";
    /** The session's cookies, kept across the clients of one test. */
    private final CookieManager cookies = new CookieManager();
    private SSLContext tls;

    /**
     * A client for one request, on a connection of its own, with the test's cookies: Jetty may close a
     * connection after it refused a login, and a shared client that sent the next request on it got no
     * answer (an EOF) now and then.
     */
    private HttpClient http() {
        HttpClient.Builder b = HttpClient.newBuilder().cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(5));
        if (tls != null) {
            b.sslContext(tls);
        }
        return b.build();
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.shutdown(10_000);
        }
    }


    private void start(String consoleExtra) throws Exception {
        Files.writeString(dir.resolve("cluster.secret"), "hawtio-test-secret-0123456789abcdef\n");
        hawtioPort = ClusterAwait.freePort();
        Path config = dir.resolve("solo.yaml");
        Files.writeString(config, """
                node: {id: solo, profile: ms-failover, state-dir: state}
                cluster: {name: test, secret: "${file:cluster.secret}"}
                listen: {address: 127.0.0.1, port: %d}
                peer: {id: other, address: 127.0.0.1, port: %d, console-port: %d}
                timings: {heartbeat-interval: 100ms, check-interval: 100ms, failover-timeout: 1s, rise: 2, fall: 2}
                services:
                  - {name: app, type: process, command: "sleep 600", stop-timeout: 2s}
                checkers:
                  - {name: app, type: proc, target: sleep}
                console:
                  address: 127.0.0.1
                  port: %d
                  hawtio-port: %d
                  password-hash: "%s"
                %s
                replication: {port: %d, peer-port: %d}
                """.formatted(ClusterAwait.freePort(), ClusterAwait.freePort(), ClusterAwait.freePort(), ClusterAwait.freePort(), hawtioPort,
                PasswordHash.create(PASSWORD.toCharArray()).text(), consoleExtra.indent(2).stripTrailing(), ClusterAwait.freePort(),
                ClusterAwait.freePort()));
        node = NodeRuntime.start(ClusterAwait.home(), ConfigLoader.load(config));
        ClusterAwait.until("ALONE", Duration.ofSeconds(20), () -> node.loop().status().state().name().equals("ALONE"));
    }


    private HttpResponse<String> get(String path) throws Exception {
        return http().send(HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + hawtioPort + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http().send(HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + hawtioPort + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode jolokia(String request) throws Exception {
        HttpResponse<String> r = post("/hawtio/jolokia/", request);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode reply = JSON.readTree(r.body());
        assertThat(reply.path("status").asInt()).as(r.body()).isEqualTo(200);
        return reply;
    }

    @Test
    void hawtioShowsTheNodeBehindTheConsolesLogin() throws Exception {
        start("");

        HttpResponse<String> page = get("/hawtio/");
        assertThat(page.statusCode()).as(page.uri() + ": " + page.body()).isEqualTo(200);
        assertThat(page.body()).containsIgnoringCase("hawtio");

        String exec = """
                {"type": "exec", "mbean": "tandem:type=Node,name=solo", "operation": "command(java.lang.String)",
                 "arguments": ["start"]}""";
        assertThat(post("/hawtio/jolokia/", exec).statusCode()).as("Jolokia without a login").isIn(401, 403);

        HttpResponse<String> wrong = post("/hawtio/auth/login", "{\"username\": \"admin\", \"password\": \"wrong\"}");
        assertThat(wrong.statusCode()).as(wrong.body()).isIn(401, 403);
        assertThat(post("/hawtio/jolokia/", exec).statusCode()).as("Jolokia after a failed login").isIn(401, 403);
        HttpResponse<String> otherUser = post("/hawtio/auth/login",
                "{\"username\": \"root\", \"password\": \"" + PASSWORD + "\"}");
        assertThat(otherUser.statusCode()).as(otherUser.body()).isIn(401, 403);

        HttpResponse<String> right = post("/hawtio/auth/login",
                "{\"username\": \"admin\", \"password\": \"" + PASSWORD + "\"}");
        assertThat(right.statusCode()).as(right.body()).isEqualTo(200);

        assertThat(jolokia(exec).path("value").asText())
                .isEqualTo("refused: start applies to a stopped node; this node is ALONE");
        JsonNode route = jolokia("""
                {"type": "read", "mbean": "org.apache.camel:context=tandem-solo,type=routes,name=\\"command-swap\\"",
                 "attribute": ["RouteId", "State"]}""");
        assertThat(route.path("value").path("RouteId").asText()).isEqualTo("command-swap");
        assertThat(route.path("value").path("State").asText()).isEqualTo("Started");
        // the war is unpacked into the state folder, where the next start finds it
        assertThat(dir.resolve("state").resolve("hawtio")).isDirectoryContaining(p -> p.getFileName().toString().equals("webapp"));
    }

    @Test
    void overHttpsWithTheConsolesCertificate() throws Exception {
        start("protocol: https");
        Path ks = dir.resolve("state").resolve(ConsoleTls.SELF_MADE);
        String pw = Files.readString(dir.resolve("state").resolve(ConsoleTls.SELF_MADE + ".password")).strip();
        tls = trusting(ks, pw);
        scheme = "https";

        assertThat(get("/hawtio/").statusCode()).isEqualTo(200);
        HttpResponse<String> right = post("/hawtio/auth/login",
                "{\"username\": \"admin\", \"password\": \"" + PASSWORD + "\"}");
        assertThat(right.statusCode()).as(right.body()).isEqualTo(200);
        assertThat(jolokia("""
                {"type": "read", "mbean": "tandem:type=Node,name=solo", "attribute": "State"}""").path("value").asText())
                .isEqualTo("ALONE");
    }

    @Test
    void aMissingWarIsNamedWithWhatToBuild() throws Exception {
        tandem.config.NodeConfig c = ConfigLoader.parse("node1.yaml", """
                node: {id: node1, profile: ms-failover}
                cluster: {name: c, secret: 0123456789abcdef}
                peer: {id: node2, address: 10.0.0.2}
                console: {hawtio-port: 9011}
                """, dir, java.util.Map.of());
        Path missing = dir.resolve("no-such.war");
        String before = System.getProperty(HawtioServer.WAR_PROPERTY);
        System.setProperty(HawtioServer.WAR_PROPERTY, missing.toString());
        try {
            assertThatThrownBy(() -> HawtioServer.war(c)).isInstanceOf(tandem.TandemException.class)
                    .hasMessage(c.file() + ": console.hawtio-port is set, but Hawtio's war " + missing + " is missing:"
                            + " build the runtime (mvn package in the project folder copies hawtio-war-4.2.0.war into"
                            + " runtime/target/lib), or name the file with -Dtandem.hawtio.war=PATH");
        } finally {
            if (before == null) {
                System.clearProperty(HawtioServer.WAR_PROPERTY);
            } else {
                System.setProperty(HawtioServer.WAR_PROPERTY, before);
            }
        }
        // without the property the build's copy beside the classes is found
        System.clearProperty(HawtioServer.WAR_PROPERTY);
        try {
            assertThat(HawtioServer.war(c)).hasFileName("hawtio-war-4.2.0.war").isRegularFile();
        } finally {
            if (before != null) {
                System.setProperty(HawtioServer.WAR_PROPERTY, before);
            }
        }
    }

    private static SSLContext trusting(Path keystore, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, password.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
