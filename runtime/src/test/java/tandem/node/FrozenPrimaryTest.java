package tandem.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.demo.LocalCluster;
import tandem.demo.LocalCluster.Node;

/**
 * A primary whose Tandem process is frozen (SIGSTOP) for twice the failover timeout while its
 * application, a process of its own, keeps running; then resumed (SIGCONT). Two real {@code tandem run}
 * JVMs on loopback, heartbeats every 200 ms, failover after 3 s (a little more than the other live
 * tests' 2 s, so that a loaded machine's stalls are not taken for the freeze).
 */
class FrozenPrimaryTest {

    private static final long HEARTBEAT_MS = 200;
    private static final String TIMINGS = LocalCluster.TIMINGS.replace("failover-timeout: 2s", "failover-timeout: 3s");
    private static final Set<String> ACTIVE = Set.of("PRIM", "ALONE");

    private LocalCluster cluster;
    private Process frozen;

    @AfterEach
    void stop() throws Exception {
        if (frozen != null && frozen.isAlive()) {
            signal(frozen, "CONT");
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private void await(String what, Duration limit, BooleanSupplier done) {
        ClusterAwait.await(cluster, what, limit, 50, done);
    }

    /** {@code kill -SIG pid} (the shell's own kill), only ever on a process this test started. */
    private static void signal(Process p, String sig) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("sh", "-c", "kill -" + sig + " " + p.pid()).redirectErrorStream(true).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -" + sig + " " + p.pid()).isZero();
    }

    private String state(Node n) {
        return cluster.status(n).map(s -> s.path("node").path("state").asText()).orElse("down");
    }

    @Test
    void aResumedPrimaryStopsItsApplicationAndRejoinsWithoutASecondActive(@TempDir Path dir) throws Exception {
        cluster = new LocalCluster(ClusterAwait.home(), dir, TIMINGS, TIMINGS);
        cluster.start(cluster.node("node1"));
        cluster.start(cluster.node("node2"));
        // whichever node a slow boot made primary: n1 is the primary that freezes, n2 the survivor
        Node[] pair = new Node[2];
        await("PRIM/SECOND pair", Duration.ofSeconds(120), () -> {
            for (Node n : cluster.nodes()) {
                if (cluster.state(n).equals("PRIM uptodate") && cluster.state(cluster.other(n)).equals("SECOND uptodate")) {
                    pair[0] = n;
                    pair[1] = cluster.other(n);
                    return true;
                }
            }
            return false;
        });
        Node n1 = pair[0];
        Node n2 = pair[1];
        await("the primary's application answering", Duration.ofSeconds(20),
                () -> cluster.app(n1).orElse("").equals(n1.id()));
        frozen = n1.process().orElseThrow();
        List<ProcessHandle> apps = frozen.descendants().filter(ProcessHandle::isAlive).toList();
        assertThat(apps).as("the primary's application runs as a child process").isNotEmpty();

        long mark1 = Files.size(dir.resolve(n1.id() + ".out"));
        long mark2 = Files.size(dir.resolve(n2.id() + ".out"));
        signal(frozen, "STOP");
        long stoppedAt = System.nanoTime();
        await("the survivor ALONE with its application serving", Duration.ofSeconds(30),
                () -> cluster.state(n2).equals("ALONE uptodate") && cluster.app(n2).orElse("").equals(n2.id()));
        assertThat(cluster.app(n1)).as("the frozen node's application, a process of its own, still serves")
                .contains(n1.id());
        // frozen for twice the failover timeout, as the defect was seen
        while (System.nanoTime() - stoppedAt < Duration.ofSeconds(6).toNanos()) {
            LockSupport.parkNanos(50_000_000L);
        }

        signal(frozen, "CONT");
        long resumedAt = System.nanoTime();
        List<String> bothActive = new ArrayList<>();
        List<String> node2Left = new ArrayList<>();
        long[] appGoneMs = {-1};
        // watch both nodes until the frozen node is back as secondary; every poll bounded by the client's timeouts
        await("the frozen node back as SECOND and the survivor PRIM", Duration.ofSeconds(60), () -> {
            String s1 = state(n1);
            String s2 = state(n2);
            long ms = (System.nanoTime() - resumedAt) / 1_000_000;
            if (ACTIVE.contains(s1) && ACTIVE.contains(s2)) {
                bothActive.add(ms + " ms after the resume: " + n1.id() + " " + s1 + ", " + n2.id() + " " + s2);
            }
            if (!ACTIVE.contains(s2)) {
                node2Left.add(ms + " ms after the resume: " + n2.id() + " " + s2);
            }
            if (appGoneMs[0] < 0 && cluster.app(n1).isEmpty()) {
                appGoneMs[0] = (System.nanoTime() - resumedAt) / 1_000_000;
            }
            return s1.equals("SECOND") && s2.equals("PRIM");
        });
        System.out.println("FrozenPrimaryTest: both active seen " + bothActive + "; the frozen node's application gone "
                + appGoneMs[0] + " ms after the resume");
        assertThat(bothActive).as("the frozen node reported itself active beside the survivor after its resume")
                .allSatisfy(seen -> assertThat(Long.parseLong(seen.substring(0, seen.indexOf(' '))))
                        .isLessThanOrEqualTo(HEARTBEAT_MS));
        assertThat(node2Left).as("the survivor kept the role throughout").isEmpty();
        assertThat(apps).as("the frozen node stopped its application").noneMatch(ProcessHandle::isAlive);
        assertThat(cluster.app(n1)).isEmpty();
        assertThat(cluster.app(n2)).contains(n2.id());
        String log1 = since(dir.resolve(n1.id() + ".out"), mark1);
        assertThat(log1).contains("A frozen active node steps down when it resumes")
                .as("the frozen node never went on alone after its resume").doesNotContain("PRIM -> ALONE");
        assertThat(since(dir.resolve(n2.id() + ".out"), mark2)).doesNotContain("split brain");
    }

    /** What a node logged after {@code mark} bytes. */
    private static String since(Path log, long mark) throws IOException {
        byte[] all = Files.readAllBytes(log);
        return new String(all, (int) mark, all.length - (int) mark, java.nio.charset.StandardCharsets.UTF_8);
    }
}
