package tandem.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
 * Two real {@code tandem run} processes on loopback with short timings (failover 2 s after the last
 * heartbeat): the live cluster as an operator meets it, through its HTTP API.
 */
class TwoNodesTest {

    private LocalCluster cluster;

    private static Path home() {
        return Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize();
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void await(String what, Duration limit, BooleanSupplier done) {
        ClusterAwait.await(cluster, what, limit, 50, done);
    }

    /**
     * Starts the pair and waits until one node is PRIM and the other SECOND, both uptodate, and the
     * primary's application answers; returns the primary. Which node that is depends on which one came
     * up first (a loaded machine may start node2 before node1 is heard), so the tests take it as given.
     */
    private Node started(Path dir) throws Exception {
        cluster = new LocalCluster(home(), dir, null, null);
        Node n1 = cluster.node("node1");
        Node n2 = cluster.node("node2");
        cluster.start(n1);
        cluster.start(n2);
        await("a PRIM/SECOND pair", Duration.ofSeconds(60), () -> paired(n1, n2) || paired(n2, n1));
        Node prim = paired(n1, n2) ? n1 : n2;
        await(prim.id() + "'s application answering", Duration.ofSeconds(20),
                () -> cluster.app(prim).orElse("").equals(prim.id()));
        return prim;
    }

    private boolean paired(Node prim, Node second) {
        return cluster.state(prim).equals("PRIM uptodate") && cluster.state(second).equals("SECOND uptodate");
    }

    @Test
    void aPairElectsKillNineFailsOverAndTheOldPrimaryReturnsAsSecond(@TempDir Path dir) throws Exception {
        Node n1 = started(dir);
        Node n2 = cluster.other(n1);
        assertThat(cluster.app(n2)).as("the secondary runs no application").isEmpty();

        cluster.kill(n1);
        await(n2.id() + " ALONE with its application serving", Duration.ofSeconds(30),
                () -> cluster.state(n2).equals("ALONE uptodate") && cluster.app(n2).orElse("").equals(n2.id()));
        assertThat(cluster.app(n1)).as("the killed node's application died with it").isEmpty();

        cluster.start(n1);
        await(n1.id() + " back as SECOND uptodate and " + n2.id() + " PRIM", Duration.ofSeconds(60), () -> paired(n2, n1));
        JsonNode st = cluster.status(n2).orElseThrow();
        assertThat(st.path("peer").path("state").asText()).isEqualTo("SECOND");
        assertThat(st.path("events").toString()).contains("Secondary takes over when the primary is silent");
        assertThat(st.path("resources").toString()).contains("tcp.app", "link.main", "clock.peer");
    }

    @Test
    void stopStartAndSwapAreAnsweredByTheRules(@TempDir Path dir) throws Exception {
        Node n1 = started(dir);
        Node n2 = cluster.other(n1);

        JsonNode refused = cluster.command(n1, "start");
        assertThat(refused.path("code").asInt()).isEqualTo(409);
        assertThat(refused.path("reason").asText()).isEqualTo("start applies to a stopped node; this node is PRIM");

        JsonNode stop = cluster.command(n1, "stop");
        assertThat(stop.path("code").asInt()).isEqualTo(200);
        await(n1.id() + " STOP and " + n2.id() + " ALONE", Duration.ofSeconds(30),
                () -> cluster.state(n1).equals("STOP not uptodate") && cluster.state(n2).equals("ALONE uptodate"));
        await(n2.id() + "'s application serving", Duration.ofSeconds(20), () -> cluster.app(n2).orElse("").equals(n2.id()));
        assertThat(cluster.app(n1)).isEmpty();

        assertThat(cluster.command(n1, "start").path("code").asInt()).isEqualTo(200);
        await(n1.id() + " SECOND uptodate, " + n2.id() + " PRIM", Duration.ofSeconds(30), () -> paired(n2, n1));

        JsonNode swap = cluster.command(n1, "swap");
        assertThat(swap.path("code").asInt()).as("swap on the secondary is passed to the primary").isEqualTo(200);
        await("roles swapped back: " + n1.id() + " PRIM, " + n2.id() + " SECOND", Duration.ofSeconds(30),
                () -> paired(n1, n2) && cluster.app(n1).orElse("").equals(n1.id()));

        JsonNode unknown = cluster.command(n1, "reboot");
        assertThat(unknown.path("code").asInt()).isEqualTo(404);
        assertThat(unknown.path("reason").asText()).startsWith("unknown command \"reboot\"");
    }

    @Test
    void forgedFramesAreDroppedAndTheLinkKeepsWorking(@TempDir Path dir) throws Exception {
        Node n1 = started(dir);
        Node n2 = cluster.other(n1);
        byte[] envelope = ("{\"type\":\"HEARTBEAT\",\"from\":\"" + n2.id() + "\",\"link\":\"main\",\"session\":\"x\",\"seq\":1,"
                + "\"ts\":1,\"body\":{\"nodeId\":\"" + n2.id() + "\",\"state\":\"ALONE\",\"data\":\"UPTODATE\",\"generation\":99,"
                + "\"holding\":true,\"priority\":1000,\"sentAt\":1}}").getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), n1.linkPort())) {
            OutputStream out = s.getOutputStream();
            java.io.ByteArrayOutputStream frame = new java.io.ByteArrayOutputStream();
            int length = 1 + envelope.length + 32;
            frame.write(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
            frame.write(1);
            frame.write(envelope);
            frame.write(new byte[32]);
            out.write(frame.toByteArray());
            out.flush();
        }
        await("the forged frame logged as dropped", Duration.ofSeconds(10), () -> {
            try {
                String out = Files.readString(cluster.dir().resolve(n1.id() + ".out"));
                return out.contains("dropped frame from") && out.contains("bad hmac");
            } catch (java.io.IOException e) {
                return false;
            }
        });
        // a forged ALONE from a "better" peer would make the primary step down: it must not have counted
        assertThat(cluster.state(n1)).isEqualTo("PRIM uptodate");
        JsonNode peer = cluster.status(n1).orElseThrow().path("peer");
        assertThat(peer.path("state").asText()).isEqualTo("SECOND");
        assertThat(peer.path("generation").asLong()).isNotEqualTo(99);
        assertThat(cluster.state(n2)).isEqualTo("SECOND uptodate");
    }

    @Test
    void differentSettingsAreAClearErrorOnBothNodesAndChangeNoRole(@TempDir Path dir) throws Exception {
        // failover timeouts long enough that neither node goes on alone before it heard the other, however
        // slowly a loaded machine starts the second one
        cluster = new LocalCluster(home(), dir, LocalCluster.TIMINGS.replace("failover-timeout: 2s", "failover-timeout: 20s"),
                LocalCluster.TIMINGS.replace("failover-timeout: 2s", "failover-timeout: 30s"));
        Node n1 = cluster.node("node1");
        Node n2 = cluster.node("node2");
        cluster.start(n1);
        cluster.start(n2);
        await("both nodes reporting the mismatch", Duration.ofSeconds(60), () -> mismatch(n1) && mismatch(n2));
        // neither goes on alone: each hears a live peer it cannot pair with
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < end) {
            assertThat(cluster.state(n1)).isEqualTo("WAIT uptodate");
            assertThat(cluster.state(n2)).isEqualTo("WAIT uptodate");
            LockSupport.parkNanos(200_000_000L);
        }
        assertThat(cluster.status(n1).orElseThrow().path("peer").path("mismatch").asText()).contains("failover timeout");
    }

    private boolean mismatch(Node n) {
        return cluster.status(n).map(s -> !s.path("peer").path("mismatch").isNull()
                && !s.path("peer").path("mismatch").isMissingNode()).orElse(false);
    }

    @Test
    void aBusyPeerLinkPortStopsTheNodeWithTheReason(@TempDir Path dir) throws Exception {
        cluster = new LocalCluster(home(), dir, null, null);
        Node n1 = cluster.node("node1");
        try (ServerSocket busy = new ServerSocket(n1.linkPort(), 1, InetAddress.getLoopbackAddress())) {
            cluster.start(n1);
            Process p = n1.process().orElseThrow();
            assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("the node exits").isTrue();
            assertThat(p.exitValue()).isEqualTo(1);
            assertThat(Files.readString(dir.resolve("node1.out")))
                    .contains("listen.port " + n1.linkPort() + " on 127.0.0.1 is already in use");
        }
    }
}
