package tandem.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tandem.demo.LocalCluster;
import tandem.demo.LocalCluster.Node;

/**
 * The whole pair started and stopped together, with two real {@code tandem run} processes on
 * loopback, in both profiles: a stop accepted while the peer leaves too still stops the services, and
 * a node whose peer link starts late never goes active beside its peer because of that delay.
 */
class PairStartStopTest {

    private LocalCluster cluster;
    /** The applications the nodes started, ended here if a test leaves one behind. */
    private final List<ProcessHandle> apps = new ArrayList<>();

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        apps.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private void await(String what, Duration limit, BooleanSupplier done) {
        ClusterAwait.await(cluster, what, limit, 50, done);
    }

    private LocalCluster cluster(Path dir, String profile) throws Exception {
        return new LocalCluster(ClusterAwait.home(), dir, profile, "", "", null, null, "", "");
    }

    private static boolean active(String state) {
        return state.startsWith("PRIM ") || state.startsWith("ALONE ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ms-failover", "sbs"})
    void sigtermToBothNodesStopsTheServicesOnBoth(String profile, @TempDir Path dir) throws Exception {
        cluster = cluster(dir, profile);
        Node n1 = cluster.node("node1");
        Node n2 = cluster.node("node2");
        cluster.start(n1);
        cluster.start(n2);
        // two JVMs and two applications starting on a loaded machine may take a minute; whichever node
        // a slow start made primary is the one whose services must be stopped
        Node[] pair = new Node[2];
        await("PRIM/SECOND pair with the primary's application answering", Duration.ofSeconds(150), () -> {
            for (Node[] o : List.of(new Node[] {n1, n2}, new Node[] {n2, n1})) {
                if (cluster.state(o[0]).equals("PRIM uptodate") && cluster.state(o[1]).equals("SECOND uptodate")
                        && cluster.app(o[0]).orElse("").equals(o[0].id())) {
                    pair[0] = o[0];
                    pair[1] = o[1];
                    return true;
                }
            }
            return false;
        });
        Node prim = pair[0];
        Process p1 = n1.process().orElseThrow();
        Process p2 = n2.process().orElseThrow();
        ProcessHandle app = application(dir, prim);
        apps.add(app);

        // what a service manager does when the whole pair is shut down: SIGTERM to both at once
        p1.destroy();
        p2.destroy();

        assertThat(p1.waitFor(60, TimeUnit.SECONDS)).as("node1 exits").isTrue();
        assertThat(p2.waitFor(60, TimeUnit.SECONDS)).as("node2 exits").isTrue();
        String out = Files.readString(dir.resolve(prim.id() + ".out"));
        assertThat(app.onExit().completeOnTimeout(null, 10, TimeUnit.SECONDS).get())
                .as("%s's application was stopped, not left running; its log:\n%s", prim.id(), out).isNotNull();
        assertThat(cluster.app(prim)).isEmpty();
        // DemoApp also ends with the node's process, so the node's own record shows that it stopped it:
        // the actions ran, and STOP is reached only once the services are stopped
        assertThat(out).contains(prim.id() + " action stop-services", prim.id() + " action vip-down")
                .doesNotContain("closing anyway");
        assertThat(savedState(dir, n1)).as("node1's state file").isEqualTo("STOP");
        assertThat(savedState(dir, n2)).as("node2's state file").isEqualTo("STOP");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ms-failover", "sbs"})
    void aNodeWhosePeerLinkStartsLateNeverGoesActiveBesideItsPeer(String profile, @TempDir Path dir) throws Exception {
        cluster = cluster(dir, profile);
        Node n1 = cluster.node("node1");
        Node n2 = cluster.node("node2");
        // node2's engine and routes run at once, its peer link only 6 s later: three failover timeouts,
        // what a slow start on a loaded machine does
        cluster.start(n1);
        cluster.start(n2, List.of("-D" + NodeRuntime.LINK_START_DELAY_PROPERTY + "=6000"));
        List<String> both = new ArrayList<>();
        await("node1 PRIM and node2 SECOND", Duration.ofSeconds(150), () -> {
            String s1 = cluster.state(n1);
            String s2 = cluster.state(n2);
            if (active(s1) && active(s2)) {
                both.add(s1 + " / " + s2);
            }
            return s1.equals("PRIM uptodate") && s2.equals("SECOND uptodate");
        });
        String out2 = Files.readString(dir.resolve("node2.out"));
        assertThat(out2).as("the link of node2 was held back").contains("peer link held back");
        assertThat(both).as("never both active").isEmpty();
        // node2's own record: it never took the role, so it never started its application
        assertThat(out2).doesNotContain("-> ALONE").doesNotContain("-> PRIM");
        assertThat(cluster.app(n2)).isEmpty();
    }

    /** The application process a node started, from the pid file its process service keeps. */
    private static ProcessHandle application(Path dir, Node n) throws Exception {
        Path pidFile;
        try (var files = Files.walk(dir.resolve("state").resolve(n.id()))) {
            pidFile = files.filter(f -> f.getFileName().toString().equals("app.pid")).findFirst()
                    .orElseThrow(() -> new AssertionError("no app.pid of " + n.id()));
        }
        long pid = Long.parseLong(Files.readString(pidFile).strip().split("\\s+")[0]);
        return ProcessHandle.of(pid).orElseThrow(() -> new AssertionError(n.id() + "'s application (pid " + pid
                + ") is not running"));
    }

    private static String savedState(Path dir, Node n) throws Exception {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(dir.resolve("state").resolve(n.id()).resolve("node.state"))) {
            p.load(in);
        }
        return p.getProperty("state");
    }
}
