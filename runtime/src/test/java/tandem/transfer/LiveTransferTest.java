package tandem.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.demo.LocalCluster;
import tandem.demo.LocalCluster.Node;

/**
 * A real `tandem run` active of the redundancy profile whose schedule started before the node did: the
 * run that is due is sent once at start (RED-4), through the transfer timer, the rules, the lane and the
 * route, to an in-process SSH server with SFTP standing in for the standby's OpenSSH; the active's status
 * then shows the transfer and its next run.
 */
class LiveTransferTest {
    @TempDir
    Path dir;

    private LocalCluster cluster;
    private StandbySsh ssh;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (ssh != null) {
            ssh.close();
        }
    }

    @Test
    void aRunDueWhenTheActiveStartsIsSentOnceAndShownInItsStatus() throws Exception {
        ssh = StandbySsh.start();
        Path pair = dir.resolve("pair");
        Files.createDirectories(pair);
        ssh.trustedKnownHosts(pair);
        Path remote = dir.resolve("standby/incoming");
        String active = """
                redundancy:
                  role: active
                  license-key: XXXXX-YYYYY-ZZZZZ-11111
                  version: "8.4.2"
                  backup: {command: "printf 'full backup' > {file}", folder: backups}
                  schedule: {unit: days, every: 1, start-date: 01.01.2026, start-time: "02:30", time-zone: UTC}
                  transfer: {attempts: 1}
                  standby:
                    address: 127.0.0.1
                    ssh-port: %d
                    password: %s
                    known-hosts: known_hosts
                    folder: %s
                    import-command: "cp {file} %s && echo imported"
                """.formatted(ssh.port(), StandbySsh.PASSWORD, remote, dir.resolve("standby/imported.bin"));
        String standby = """
                redundancy:
                  role: standby
                  license-key: DDDDD-FFFFF-TTTTT-22222
                  active-license-key: XXXXX-YYYYY-ZZZZZ-11111
                  version: "8.4.2"
                  import: {command: "true {file}", folder: incoming}
                  switchover: {active-address: 127.0.0.1}
                """;
        Path home = Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize();
        cluster = new LocalCluster(home, pair, "redundancy", "", "", null, null, "  mode: periodic\n" + active,
                "  mode: periodic\n" + standby);
        Node n1 = cluster.node("node1");

        // the standby is not started: the active serves once its failover timeout passed, then sends the due run
        cluster.start(n1);
        await("the transfer in node1's status", Duration.ofSeconds(60), () -> cluster.status(n1)
                .map(s -> s.path("redundancy").path("lastTransfer").path("ok").asBoolean()).orElse(false));

        JsonNode red = cluster.status(n1).orElseThrow().path("redundancy");
        assertThat(red.path("lastTransfer").path("attempts").asInt()).isEqualTo(1);
        assertThat(red.path("lastTransfer").path("verified").asBoolean()).isTrue();
        assertThat(red.path("lastTransfer").path("size").asLong()).isEqualTo(11);
        assertThat(red.path("nextRun").asText()).endsWith("T02:30:00Z");
        assertThat(dir.resolve("standby/imported.bin")).hasContent("full backup");
        try (var files = Files.list(remote)) {
            assertThat(files.filter(f -> f.getFileName().toString().endsWith(".backup"))).as("one run, once").hasSize(1);
        }
    }

    private void await(String what, Duration limit, BooleanSupplier done) {
        long end = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                StringBuilder sb = new StringBuilder("no " + what + " within " + limit.toSeconds() + " s; node1 "
                        + cluster.state(cluster.node("node1")));
                try {
                    var lines = Files.readAllLines(cluster.dir().resolve("node1.out"));
                    lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(l -> sb.append('\n').append(l));
                } catch (java.io.IOException e) {
                    sb.append(" (no output)");
                }
                throw new AssertionError(sb.toString());
            }
            LockSupport.parkNanos(50_000_000L);
        }
    }
}
