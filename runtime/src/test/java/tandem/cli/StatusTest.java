package tandem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;

/**
 * What {@code tandem status} prints of an sbs node's status (SBS-9) and of a redundancy standby's, and
 * whom it asks: the local node's API, then the peer's (a stand-in HTTP server here).
 */
class StatusTest {
    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    private com.sun.net.httpserver.HttpServer peerApi;
    private final java.util.List<String> peerAuth = new java.util.concurrent.CopyOnWriteArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void stopPeer() {
        if (peerApi != null) {
            peerApi.stop(0);
        }
    }

    /** A stand-in for the peer's API: answers /api/status with {@code body}, records the Authorization headers. */
    private int peerAnswering(String body) throws Exception {
        peerApi = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress(
                java.net.InetAddress.getLoopbackAddress(), 0), 0);
        peerApi.createContext("/api/status", x -> {
            peerAuth.add(x.getRequestHeaders().getFirst("Authorization"));
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        peerApi.start();
        return peerApi.getAddress().getPort();
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Path config(int consolePort, String peerConsolePort) throws Exception {
        Path f = dir.resolve("node1.yaml");
        java.nio.file.Files.writeString(f, """
                node: {id: node1, profile: ms-failover}
                cluster: {name: pair, secret: %s}
                peer: {id: node2, address: 127.0.0.1, port: 7402%s}
                console: {address: 127.0.0.1, port: %d}
                """.formatted(SECRET, peerConsolePort == null ? "" : ", console-port: " + peerConsolePort, consolePort));
        return f;
    }

    private static final String PEER_STATUS = """
            {"node": {"id": "node2", "profile": "ms-failover", "state": "ALONE", "data": "uptodate",
                      "services": "running", "since": "2026-11-22T07:00:00Z"},
             "peer": {"id": "node1", "address": "127.0.0.1:7401", "state": null},
             "config": {}, "resources": [], "replication": {},
             "events": [{"at": "2026-11-22T07:00:00Z", "text": "node2 WAIT -> ALONE: the peer is silent"}]}
            """;

    @Test
    void whenTheLocalNodeDoesNotAnswerItSaysSoAndShowsWhatThePeerReports() throws Exception {
        int down = freePort();
        int peerPort = peerAnswering(PEER_STATUS);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();

        int rc = Status.run(config(down, String.valueOf(peerPort)), false, new PrintStream(bytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8));

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(rc).as(out).isEqualTo(1);
        assertThat(out).startsWith("this node node1 is not answering: no node answers at http://127.0.0.1:" + down + "/api/")
                .contains("what its peer node2 reports (its own view):")
                .containsPattern("node2 +ALONE +uptodate +services running")
                .contains("node2 WAIT -> ALONE: the peer is silent");
        // the peer is asked with a command-line token made from the cluster's secret, which the peer accepts
        assertThat(peerAuth).hasSize(1);
        tandem.node.ApiAuth peer = new tandem.node.ApiAuth(
                tandem.config.ConfigLoader.load(dir.resolve("node1.yaml")).cluster().secret(),
                new tandem.node.ApiTokens(dir.resolve("peer-state")), System::currentTimeMillis);
        assertThat(peer.user(peerAuth.get(0))).hasValueSatisfying(u -> assertThat(u).startsWith("cli:"));
    }

    @Test
    void whenNeitherAnswersItNamesBothAddresses() throws Exception {
        int down = freePort();
        int peerDown = freePort();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        int rc = Status.run(config(down, String.valueOf(peerDown)), false, new PrintStream(bytes, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(rc).isEqualTo(1);
        assertThat(out).contains("this node node1 is not answering: no node answers at http://127.0.0.1:" + down + "/api/",
                "its peer node2 cannot be asked either: its API at http://127.0.0.1:" + peerDown + "/api/ gives no answer")
                .doesNotContain("peer.console-port is not set");
    }

    @Test
    void withoutPeerConsolePortOnOneMachineItDoesNotAskItselfForThePeer() throws Exception {
        int down = freePort();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        int rc = Status.run(config(down, null), false, new PrintStream(bytes, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        assertThat(rc).isEqualTo(1);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("its peer node2 cannot be asked either: its API would be at"
                + " http://127.0.0.1:" + down + "/api/, this node's own address (set peer.console-port to the peer's"
                + " console.port)");
    }

    @Test
    void jsonGivesTheLocalErrorAndThePeersStatus() throws Exception {
        int down = freePort();
        int peerPort = peerAnswering(PEER_STATUS);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        int rc = Status.run(config(down, String.valueOf(peerPort)), true, new PrintStream(bytes, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        JsonNode both = new ObjectMapper().readTree(bytes.toString(StandardCharsets.UTF_8));
        assertThat(rc).isEqualTo(1);
        assertThat(both.path("local").isNull()).isTrue();
        assertThat(both.path("localError").asText()).startsWith("no node answers at http://127.0.0.1:" + down + "/api/");
        assertThat(both.path("peer").path("node").path("state").asText()).isEqualTo("ALONE");
        assertThat(both.has("peerError")).isFalse();
    }

    @Test
    void showsTheSbsWordAndWhatOfAChangedFileWaitsOrIsRefused() throws Exception {
        NodeConfig c = ConfigLoader.parse("node1.yaml", """
                node: {id: node1, profile: sbs}
                cluster: {name: print-pair, secret: 0123456789abcdef}
                peer: {id: node2, address: 10.0.0.2}
                """, dir, Map.of());
        JsonNode s = new ObjectMapper().readTree("""
                {"node": {"id": "node1", "profile": "sbs", "state": "ALONE", "role": "primary", "data": "uptodate",
                          "services": "running", "since": "2026-11-22T07:00:00Z"},
                 "peer": {"id": "node2", "address": "10.0.0.2", "state": null},
                 "config": {"applied": ["mail.host"], "pendingRestart": ["timings.failover-timeout", "node.role"],
                            "invalid": "node1.yaml:12: timings.failover-timeout: must be a duration\\nnode1.yaml:3: x"},
                 "resources": [], "replication": {}, "events": []}
                """);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Status.print(c, s, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("cluster print-pair (sbs)")
                .containsPattern("node1 +ALONE +uptodate +services running, since .*\\(this node, primary\\)")
                .contains("! node1.yaml changed and is not valid (the node runs the configuration it started with):"
                        + " node1.yaml:12: timings.failover-timeout: must be a duration; node1.yaml:3: x")
                .contains("! node1.yaml changed; waiting for a restart of the node: timings.failover-timeout, node.role");
    }

    @Test
    void showsTheRedundancyWordAndTheSwitchoverChecklist() throws Exception {
        NodeConfig c = ConfigLoader.load(Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize()
                .resolve("samples/redundancy/standby.yaml"));
        JsonNode s = new ObjectMapper().readTree("""
                {"node": {"id": "standby", "profile": "redundancy", "state": "SECOND", "role": "standby",
                          "data": "not uptodate", "services": "stopped", "since": "2026-11-22T07:00:00Z"},
                 "peer": {"id": "active", "address": "127.0.0.1:7403", "state": null},
                 "config": {}, "resources": [], "replication": {}, "events": [],
                 "redundancy": {"role": "standby", "checklist": ["Move the ISDN lines", "Move the analog devices"]}}
                """);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Status.print(c, s, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("cluster phone-pair (redundancy)")
                .containsPattern("standby +SECOND +not uptodate +services stopped, since .*\\(this node, standby\\)")
                .contains("""
                          switchover checklist (RED-11), to move by hand before a switchover:
                          1) Move the ISDN lines
                          2) Move the analog devices
                        """);
    }

    @Test
    void showsTheActivesLastTransferAndNextRunAndTheStandbysLastImport() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        Status.printBackups(new ObjectMapper().readTree("""
                {"role": "active", "schedule": "every 1 days from 24.12.2026 02:30 Europe/Berlin",
                 "nextRun": "2026-12-25T01:30:00Z",
                 "lastTransfer": {"at": "2026-12-24T01:31:02Z", "ok": true, "name": "backup-20261224-013000.backup",
                                  "size": 1048576, "millis": 5230, "attempts": 2, "verified": true}}
                """), out);
        Status.printBackups(new ObjectMapper().readTree("""
                {"role": "active", "schedule": "every 1 days", "nextRun": "2026-12-25T01:30:00Z",
                 "lastTransfer": {"at": "2026-12-24T01:31:02Z", "ok": false, "size": -1, "millis": 0, "attempts": 3,
                                  "verified": false, "error": "cannot connect to ssh 127.0.0.1:22"}}
                """), out);
        Status.printBackups(new ObjectMapper().readTree("""
                {"role": "standby", "lastImport": {"at": "2026-12-24T01:32:00Z", "name": "backup-20261224-013000.backup",
                 "size": 1048576}, "dataAgeSeconds": 7260}
                """), out);
        Status.printBackups(new ObjectMapper().readTree("{\"role\": \"standby\", \"lastImport\": null}"), out);

        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("backup transfers every 1 days from 24.12.2026 02:30 Europe/Berlin; next run ")
                .containsPattern("last transfer .*: backup-20261224-013000.backup, 1048576 bytes, 5230 ms, 2 attempt\\(s\\),"
                        + " SHA-256 verified on the standby")
                .containsPattern("! last transfer .* failed: no backup created, - bytes, 0 ms, 3 attempt\\(s\\): cannot"
                        + " connect to ssh 127.0.0.1:22")
                .containsPattern("last import .*: backup-20261224-013000.backup \\(1048576 bytes\\); data age 2h1m")
                .contains("last import: none yet (RED-7: tandem command standby-import --file F --confirm)");
    }
}
