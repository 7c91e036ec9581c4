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

/** What {@code tandem status} prints of an sbs node's status (SBS-9) and of a redundancy standby's. */
class StatusTest {
    @TempDir
    Path dir;

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
