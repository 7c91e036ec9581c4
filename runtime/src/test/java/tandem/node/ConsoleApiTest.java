package tandem.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.cli.Main;
import tandem.config.ConfigLoader;
import tandem.config.PasswordHash;

/**
 * The web console's doors on one real node: no login, no API; a wrong password slows the next try; a
 * state-changing request without the session's CSRF token is refused; a revoked token is refused; HTTPS with
 * the site's keystore and with the certificate the node makes itself, which the command line then trusts.
 */
class ConsoleApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path dir;
    private NodeRuntime node;
    private Path config;
    private int port;

    @AfterEach
    void stop() {
        if (node != null) {
            node.shutdown(10_000);
        }
    }


    private void start(String consoleExtra) throws Exception {
        Files.writeString(dir.resolve("cluster.secret"), "console-api-test-secret-0123456789\n");
        port = ClusterAwait.freePort();
        config = dir.resolve("solo.yaml");
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
                  password-hash: "%s"
                %s
                replication: {port: %d, peer-port: %d}
                mail: {host: 127.0.0.1, port: %d, from: solo@example.com, to: ops@example.com}
                """.formatted(ClusterAwait.freePort(), ClusterAwait.freePort(), ClusterAwait.freePort(), port, PasswordHash.create(PASSWORD.toCharArray()).text(),
                consoleExtra.indent(2).stripTrailing(), ClusterAwait.freePort(), ClusterAwait.freePort(), ClusterAwait.freePort()));
        node = NodeRuntime.start(ClusterAwait.home(), ConfigLoader.load(config));
        ClusterAwait.until("ALONE", Duration.ofSeconds(20), () -> node.loop().status().state().name().equals("ALONE"));
    }


    private record Reply(int code, String body, HttpResponse<String> raw) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }

    private HttpClient http = HttpClient.newHttpClient();
    private String scheme = "http";

    private Reply get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r);
    }

    private Reply post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r);
    }

    private record Login(String cookie, String csrf, String setCookie) {
    }

    private Login login() throws Exception {
        Reply r = post("/api/login", "{\"user\": \"admin\", \"password\": \"" + PASSWORD + "\"}");
        assertThat(r.code()).as(r.body()).isEqualTo(200);
        String set = r.raw().headers().firstValue("Set-Cookie").orElseThrow();
        return new Login(set.substring(0, set.indexOf(';')), r.json().get("csrf").asText(), set);
    }

    private record Cli(int code, String out, String err) {
    }

    private static Cli cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void withoutALoginTheApiAnswers401AndThePageAsksForOne() throws Exception {
        start("");
        assertThat(get("/api/status").code()).isEqualTo(401);
        assertThat(get("/api/logs?log=commands").code()).isEqualTo(401);
        assertThat(get("/api/session").code()).isEqualTo(401);
        assertThat(get("/api/peer/status").code()).isEqualTo(401);
        assertThat(post("/api/command", "{\"name\": \"stop\"}").code()).isEqualTo(401);
        assertThat(get("/api/status", "Cookie", "tandem_solo=" + "A".repeat(43)).code()).isEqualTo(401);
        Reply page = get("/");
        assertThat(page.code()).isEqualTo(200);
        assertThat(page.raw().headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("id=\"login-form\"", "/console/console.js");
        assertThat(page.raw().headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                v -> assertThat(v).contains("default-src 'self'", "frame-ancestors 'none'"));
        assertThat(page.raw().headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(get("/console/console.js").body()).contains("X-CSRF-Token");
        assertThat(get("/console/nothing.js").code()).isEqualTo(404);
        assertThat(node.loop().status().state().name()).isEqualTo("ALONE");
    }

    @Test
    void aSessionOperatesTheNodeOnlyWithItsCsrfToken() throws Exception {
        start("");
        Login l = login();
        assertThat(l.setCookie()).contains("HttpOnly", "SameSite=Strict").doesNotContain("Secure");
        Reply st = get("/api/status", "Cookie", l.cookie());
        assertThat(st.code()).isEqualTo(200);
        assertThat(st.json().at("/node/state").asText()).isEqualTo("ALONE");
        assertThat(st.json().get("commands").findValuesAsText("name")).contains("start", "stop", "swap", "test-mail");
        assertThat(st.json().get("commands").get(0).get("description").asText()).isNotBlank();
        // the same request without the CSRF token, or with another one: refused, and nothing happens
        Reply noCsrf = post("/api/command", "{\"name\": \"stop\"}", "Cookie", l.cookie());
        assertThat(noCsrf.code()).isEqualTo(403);
        assertThat(noCsrf.json().get("error").asText()).contains("X-CSRF-Token");
        assertThat(post("/api/command", "{\"name\": \"stop\"}", "Cookie", l.cookie(), "X-CSRF-Token", "forged").code())
                .isEqualTo(403);
        assertThat(node.loop().status().state().name()).isEqualTo("ALONE");
        // a refusal by the rules comes back with its reason
        Reply refused = post("/api/command", "{\"name\": \"start\"}", "Cookie", l.cookie(), "X-CSRF-Token", l.csrf());
        assertThat(refused.code()).isEqualTo(409);
        assertThat(refused.json().get("reason").asText()).contains("start applies to a stopped node");
        // an accepted command that fails: the outcome says so, and why (no mail server listens)
        Reply mail = post("/api/command", "{\"name\": \"test-mail\"}", "Cookie", l.cookie(), "X-CSRF-Token", l.csrf());
        assertThat(mail.code()).as(mail.body()).isEqualTo(200);
        long ticket = mail.json().get("ticket").asLong();
        JsonNode outcome = null;
        for (int i = 0; i < 6 && (outcome == null || outcome.get("status").asText().equals("running")); i++) {
            outcome = get("/api/commands/" + ticket + "?wait=10", "Cookie", l.cookie()).json();
        }
        assertThat(outcome.get("status").asText()).isEqualTo("failed");
        assertThat(outcome.get("sentence").asText()).isNotBlank();
        // the commands log names the door and the user
        Reply log = get("/api/logs?log=commands&q=test-mail", "Cookie", l.cookie());
        assertThat(log.code()).isEqualTo(200);
        assertThat(log.json().get("lines").toString()).contains("web console by admin");
        assertThat(get("/api/logs?log=nothing", "Cookie", l.cookie()).json().get("error").asText())
                .contains("log: \"nothing\" is not one of module, commands");
        // the peer is not there: the console says so rather than failing
        Reply peer = get("/api/peer/status", "Cookie", l.cookie());
        assertThat(peer.code()).isEqualTo(502);
        assertThat(peer.json().get("error").asText()).contains("does not answer");
        assertThat(get("/api/peer/../status", "Cookie", l.cookie()).code()).isIn(400, 404);
        // logging out needs the token too, and ends the session
        assertThat(post("/api/logout", "", "Cookie", l.cookie()).code()).isEqualTo(403);
        assertThat(post("/api/logout", "", "Cookie", l.cookie(), "X-CSRF-Token", l.csrf()).code()).isEqualTo(200);
        assertThat(get("/api/status", "Cookie", l.cookie()).code()).isEqualTo(401);
    }

    @Test
    void wrongPasswordsSlowTheNextLoginEvenWithTheRightOne() throws Exception {
        start("");
        for (int i = 0; i < 4; i++) {
            Reply r = post("/api/login", "{\"user\": \"admin\", \"password\": \"wrong " + i + "\"}");
            assertThat(r.code()).isEqualTo(401);
            assertThat(r.raw().headers().firstValue("Set-Cookie")).isEmpty();
        }
        Reply soon = post("/api/login", "{\"user\": \"admin\", \"password\": \"" + PASSWORD + "\"}");
        assertThat(soon.code()).isEqualTo(429);
        assertThat(soon.json().get("error").asText()).contains("too soon after a wrong password");
        assertThat(soon.json().get("retryAfterMs").asLong()).isPositive();
        assertThat(post("/api/login", "{\"user\": 1}").code()).isEqualTo(400);
        Reply log = get("/api/logs?log=commands&q=refused", "Authorization", "Bearer " + token("ops"));
        assertThat(log.json().get("lines").toString()).contains("console login of admin from 127.0.0.1");
    }

    private String token(String user) {
        Cli c = cli("token", "create", user, "--config", config.toString());
        assertThat(c.code()).as(c.err()).isZero();
        return c.out().lines().filter(l -> l.startsWith("tdm_")).findFirst().orElseThrow();
    }

    @Test
    void aConsoleThatIsOffServesNoPageAndNoLoginButTheApiStillAnswersTokens() throws Exception {
        start("enabled: false");
        assertThat(get("/").code()).isEqualTo(404);
        assertThat(get("/").body()).contains("console.enabled: false");
        assertThat(post("/api/login", "{\"user\": \"admin\", \"password\": \"" + PASSWORD + "\"}").code()).isEqualTo(404);
        assertThat(get("/api/status", "Authorization", "Bearer " + token("ops")).code()).isEqualTo(200);
    }

    @Test
    void aRevokedTokenIsRefused() throws Exception {
        start("");
        String t = token("monitor");
        assertThat(get("/api/status", "Authorization", "Bearer " + t).code()).isEqualTo(200);
        Cli revoke = cli("token", "revoke", "monitor", "--config", config.toString());
        assertThat(revoke.code()).as(revoke.err()).isZero();
        assertThat(get("/api/status", "Authorization", "Bearer " + t).code()).isEqualTo(401);
        assertThat(get("/metrics", "Authorization", "Bearer " + t).code()).isEqualTo(401);
    }

    @Test
    void httpsWithTheSitesKeystore() throws Exception {
        Path ks = dir.resolve("site.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "site", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=solo",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-keystore", ks.toString(), "-storetype", "PKCS12",
                "-storepass", "site-pass", "-keypass", "site-pass", "-noprompt").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        start("protocol: https\nkeystore: " + ks + "\nkeystore-password: site-pass");
        assertThat(Files.exists(dir.resolve("state").resolve(ConsoleTls.SELF_MADE))).isFalse();
        // plain HTTP gets no answer from a TLS port
        assertThatThrownBy(() -> get("/")).isInstanceOf(java.io.IOException.class);
        http = HttpClient.newBuilder().sslContext(trusting(ks, "site-pass")).build();
        scheme = "https";
        assertThat(get("/").code()).isEqualTo(200);
        Login l = login();
        assertThat(l.setCookie()).contains("Secure", "HttpOnly", "SameSite=Strict");
        assertThat(get("/api/status", "Cookie", l.cookie()).json().at("/node/state").asText()).isEqualTo("ALONE");
        // the command line trusts the console's keystore
        Cli status = cli("status", "--config", config.toString());
        assertThat(status.code()).as(status.err()).isZero();
        assertThat(status.out()).contains("ALONE");
    }

    @Test
    void httpsWithTheCertificateTheNodeMakesAtItsFirstStart() throws Exception {
        start("protocol: https");
        Path ks = dir.resolve("state").resolve(ConsoleTls.SELF_MADE);
        assertThat(ks).exists();
        assertThat(Files.getPosixFilePermissions(ks)).extracting(Object::toString).containsOnly("OWNER_READ", "OWNER_WRITE");
        String pw = Files.readString(dir.resolve("state").resolve(ConsoleTls.SELF_MADE + ".password")).strip();
        http = HttpClient.newBuilder().sslContext(trusting(ks, pw)).build();
        scheme = "https";
        assertThat(get("/").code()).isEqualTo(200);
        Cli status = cli("status", "--config", config.toString());
        assertThat(status.code()).as(status.err()).isZero();
        assertThat(status.out()).contains("ALONE");
        // a client that trusts only the usual authorities does not take it
        HttpClient plain = HttpClient.newHttpClient();
        assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
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
