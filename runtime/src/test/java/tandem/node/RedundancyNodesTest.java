package tandem.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.demo.LocalCluster;
import tandem.demo.LocalCluster.Node;

/**
 * The redundancy profile with two real {@code tandem run} processes on loopback: the active runs the
 * application, the standby does not and refuses a start (RED-8); the status shows the manual's words and
 * the switchover checklist (RED-11); a switchover is refused while the active answers, and the refusal
 * follows what the standby's own probes of the active (ping, a TCP port standing in for its SSH) and its
 * heartbeat really see (RED-9). Only loopback is used, whose address always answers a ping, and these
 * nodes keep the default probes (ping and SSH), so the granted switchover is shown elsewhere: by the
 * scenarios, RedundancyRulesTest, NetnsRedundancyTest (namespaces, as root) and RedundancyDemoTest
 * (loopback with {@code switchover.probes: [ssh]}).
 */
class RedundancyNodesTest {
    private LocalCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void await(String what, Duration limit, BooleanSupplier done) {
        ClusterAwait.await(cluster, what, limit, 20, done);
    }

    @Test
    void theActiveServesTheStandbyStaysPassiveAndRefusesASwitchoverWhileTheActiveAnswers(@TempDir Path dir)
            throws Exception {
        try (ServerSocket ssh = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // the active's "SSH": accepts and closes each probe's connection, so the backlog never fills
            Thread sshd = new Thread(() -> {
                while (!ssh.isClosed()) {
                    try {
                        ssh.accept().close();
                    } catch (java.io.IOException e) {
                        return; // closed: the active's SSH is gone
                    }
                }
            }, "test-active-ssh");
            sshd.setDaemon(true);
            sshd.start();
            String active = """
                    redundancy:
                      role: active
                      license-key: XXXXX-YYYYY-ZZZZZ-11111
                      version: "8.4.2"
                      backup: {command: "backup {file}", folder: backups}
                      schedule: {unit: days, every: 1, start-date: 24.12.2026, start-time: "02:30"}
                      standby: {address: 127.0.0.1, password: secret, folder: /tmp/incoming, import-command: "import {file}"}
                    """;
            String standby = """
                    redundancy:
                      role: standby
                      license-key: DDDDD-FFFFF-TTTTT-22222
                      active-license-key: XXXXX-YYYYY-ZZZZZ-11111
                      version: "8.4.2"
                      import: {command: "import {file}", folder: incoming}
                      switchover:
                        down-for: 5s
                        active-address: 127.0.0.1
                        active-ssh-port: %d
                        checklist: [Move the ISDN lines]
                    """.formatted(ssh.getLocalPort());
            cluster = new LocalCluster(ClusterAwait.home(), dir.resolve("pair"), "redundancy", "", "", null, null,
                    "  mode: periodic\n" + active, "  mode: periodic\n" + standby);
            Node n1 = cluster.node("node1");
            Node n2 = cluster.node("node2");

            // the standby first: the active hears that it has not switched over and runs the application
            cluster.start(n2);
            await("node2 standby", Duration.ofSeconds(30), () -> cluster.state(n2).startsWith("SECOND"));
            cluster.start(n1);
            await("node1 active", Duration.ofSeconds(30), () -> cluster.state(n1).equals("ALONE uptodate"));
            await("node1's application", Duration.ofSeconds(30), () -> cluster.app(n1).isPresent());
            assertThat(cluster.app(n2)).as("RED-8: never on the standby").isEmpty();

            JsonNode s2 = cluster.status(n2).orElseThrow();
            assertThat(s2.path("node").path("role").asText()).isEqualTo("standby");
            assertThat(s2.path("node").path("data").asText()).as("nothing imported yet").isEqualTo("not uptodate");
            assertThat(s2.path("redundancy").path("checklist").get(0).asText()).isEqualTo("Move the ISDN lines");
            assertThat(cluster.status(n1).orElseThrow().path("node").path("role").asText()).isEqualTo("active");
            JsonNode red1 = cluster.status(n1).orElseThrow().path("redundancy");
            assertThat(red1.path("schedule").asText()).startsWith("every 1 days from 24.12.2026 02:30");
            assertThat(red1.path("nextRun").asText()).as("the active knows its next run").isNotEmpty();
            assertThat(red1.path("lastTransfer").isNull()).isTrue();

            // an import (as `tandem import` records it) reaches the running standby without a restart
            java.nio.file.Path state = tandem.config.ConfigLoader.load(n2.config()).node().stateDir();
            tandem.redundancy.LastImport.write(state, new tandem.redundancy.LastImport.Entry(java.time.Instant.now(),
                    "backup-20261224-013000.backup", Duration.ofDays(1), 11, ""));
            await("node2 uptodate after the import", Duration.ofSeconds(30),
                    () -> cluster.state(n2).equals("SECOND uptodate"));
            JsonNode red2 = cluster.status(n2).orElseThrow().path("redundancy");
            assertThat(red2.path("lastImport").path("name").asText()).isEqualTo("backup-20261224-013000.backup");
            assertThat(red2.path("dataAgeSeconds").asLong()).isBetween(0L, 60L);
            await("the standby's probes of the active", Duration.ofSeconds(30), () -> cluster.status(n2)
                    .map(s -> s.path("resources").toString()).orElse("")
                    .matches(".*\"resource\":\"ping\\.active\",\"status\":\"up\".*")
                    && cluster.status(n2).map(s -> s.path("resources").toString()).orElse("")
                            .matches(".*\"resource\":\"tcp\\.active-ssh\",\"status\":\"up\".*"));

            JsonNode start = cluster.command(n2, "start");
            assertThat(start.path("code").asInt()).isEqualTo(409);
            assertThat(start.toString()).contains("the standby never runs the appliance's modules (RED-8)");

            JsonNode refused = cluster.command(n2, "switchover");
            assertThat(refused.path("code").asInt()).as(refused.toString()).isEqualTo(409);
            assertThat(refused.toString()).contains("the active is not completely down: heartbeat last heard",
                    "ping answers", "ssh answers", "must all stay silent for 5s", "1) Move the ISDN lines");
            assertThat(cluster.command(n1, "switchover").toString()).contains("this node is the active");

            // the active's Tandem and its "SSH" go; its address still answers the ping (loopback)
            cluster.kill(n1);
            ssh.close();
            await("a refusal that names only the ping", Duration.ofSeconds(30), () -> {
                try {
                    String r = cluster.command(n2, "switchover").toString();
                    return r.contains("the active is not completely down: ping answers") && !r.contains("heartbeat last")
                            && !r.contains("ssh ");
                } catch (java.io.IOException e) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            });
            assertThat(cluster.state(n2)).startsWith("SECOND");
            assertThat(cluster.app(n2)).isEmpty();
        }
    }
}
