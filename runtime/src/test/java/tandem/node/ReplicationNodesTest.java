package tandem.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.demo.LocalCluster;
import tandem.demo.LocalCluster.Node;
import tandem.replication.Trees;

/**
 * Replication between two real {@code tandem run} processes on loopback (MS-4): the initial sync of a
 * generated tree, continuous changes, strict and keep-timestamps per folder, {@code kill -9} of the
 * receiver and of the sender in the middle of a large file, and convergence afterwards. Both nodes
 * list the same two folders (each at its own place on this one machine, through {@code target}).
 */
class ReplicationNodesTest {

    private LocalCluster cluster;
    private Path d1;
    private Path d2;
    private Path l1;
    private Path l2;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void await(String what, Duration limit, BooleanSupplier done) {
        ClusterAwait.await(cluster, what, limit, 20, done);
    }

    private static String folders(Path data, Path dataTarget, Path loose, Path looseTarget) {
        return folders("", data, dataTarget, loose, looseTarget);
    }

    private static String folders(String more, Path data, Path dataTarget, Path loose, Path looseTarget) {
        return more + """
                  folders:
                    - {path: "%s", target: "%s", strict: true, keep-timestamps: true}
                    - {path: "%s", target: "%s"}
                """.formatted(data, dataTarget, loose, looseTarget);
    }

    private void startCluster(Path dir) throws IOException {
        startCluster(dir, "");
    }

    /** @param more extra lines of both nodes' replication section, e.g. the mode */
    private void startCluster(Path dir, String more) throws IOException {
        d1 = Files.createDirectories(dir.resolve("node1-data"));
        d2 = Files.createDirectories(dir.resolve("node2-data"));
        l1 = Files.createDirectories(dir.resolve("node1-loose"));
        l2 = Files.createDirectories(dir.resolve("node2-loose"));
        cluster = new LocalCluster(ClusterAwait.home(), dir.resolve("cluster"), null, null, folders(more, d1, d2, l1, l2),
                folders(more, d2, d1, l2, l1));
    }

    /** Starts both nodes and waits for node1 PRIM and node2 SECOND, both uptodate. */
    private void startPair() throws IOException {
        Node n1 = cluster.node("node1");
        Node n2 = cluster.node("node2");
        cluster.start(n1);
        cluster.start(n2);
        await("PRIM/SECOND uptodate", Duration.ofSeconds(60),
                () -> cluster.state(n1).equals("PRIM uptodate") && cluster.state(n2).equals("SECOND uptodate"));
    }

    private static boolean hasTemp(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            // an incoming file's temporary file (old versions kept until a cycle ends are .old)
            return s.anyMatch(p -> p.getFileName().toString().startsWith(".tandem-sync-")
                    && p.getFileName().toString().endsWith(".tmp"));
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    /**
     * A large file that appears in the folder at once (written beside it, then renamed in): a file
     * still being written would be replicated as it is at that moment, a correct copy of a prefix.
     */
    private static void bigFile(Path file, int mib, long seed) throws IOException {
        Files.createDirectories(file.getParent());
        Path aside = file.getParent().getParent().resolveSibling(file.getFileName() + ".writing");
        Random r = new Random(seed);
        byte[] chunk = new byte[1 << 20];
        try (var out = Files.newOutputStream(aside)) {
            for (int i = 0; i < mib; i++) {
                r.nextBytes(chunk);
                out.write(chunk);
            }
        }
        Files.move(aside, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void aPairReplicatesFollowsChangesAndConvergesAfterKillNineOnEitherSide(@TempDir Path dir) throws Exception {
        startCluster(dir);
        Trees.generate(d1, 11);
        Trees.write(l1.resolve("loose.txt"), "loose\n".getBytes());
        startPair();
        Node n1 = cluster.node("node1");
        Node n2 = cluster.node("node2");
        assertThat(Trees.settledListing(d2, true)).as("initial sync, timestamps kept").isEqualTo(Trees.settledListing(d1, true));
        assertThat(Trees.settledListing(l2, false)).isEqualTo(Trees.settledListing(l1, false));

        // continuous mode: what changes on the primary reaches the secondary by itself
        Trees.write(d1.resolve("new/added.txt"), "added\n".getBytes());
        Trees.write(d1.resolve("a/b/c/deep.txt"), "rewritten\n".getBytes());
        Files.delete(d1.resolve("many/f7.bin"));
        Files.delete(l1.resolve("loose.txt"));
        await("the changes on node2", Duration.ofSeconds(20), () -> Trees.settledListing(d2, true).equals(Trees.settledListing(d1, true)));
        assertThat(l2.resolve("loose.txt")).as("not strict: kept on the secondary").exists();

        // kill -9 of the receiver while it writes a large file: nothing half-written is ever in place
        bigFile(d1.resolve("big/huge.bin"), 192, 1);
        await("node2 writing the large file", Duration.ofSeconds(30), () -> hasTemp(d2));
        cluster.kill(n2);
        assertWholeOrAbsent(d2.resolve("big/huge.bin"), d1.resolve("big/huge.bin"));
        cluster.start(n2);
        await("node2 back, uptodate", Duration.ofSeconds(60), () -> cluster.state(n2).equals("SECOND uptodate"));
        assertThat(Trees.settledListing(d2, true)).as("converged after the receiver's crash").isEqualTo(Trees.settledListing(d1, true));
        assertThat(hasTemp(d2)).as("the crash's temporary file is gone").isFalse();

        // kill -9 of the sender in the middle of another large file: node2 takes over with its old copy
        Map<String, String> before = Trees.settledListing(d2, true);
        bigFile(d1.resolve("big/other.bin"), 192, 2);
        await("node2 writing the second large file", Duration.ofSeconds(30), () -> hasTemp(d2));
        cluster.kill(n1);
        await("node2 ALONE", Duration.ofSeconds(30), () -> cluster.state(n2).startsWith("ALONE"));
        assertWholeOrAbsent(d2.resolve("big/other.bin"), d1.resolve("big/other.bin"));
        Map<String, String> after = Trees.settledListing(d2, true);
        after.remove("big/other.bin");
        assertThat(after).as("node2 keeps what it had").isEqualTo(before);

        // node1 returns as secondary and is resynced from node2, the reference now: identical trees
        cluster.start(n1);
        await("node1 SECOND uptodate", Duration.ofSeconds(60), () -> cluster.state(n1).equals("SECOND uptodate"));
        assertThat(Trees.settledListing(d1, true)).as("node1 resynced from node2, the reference (strict)")
                .isEqualTo(Trees.settledListing(d2, true));
    }

    @Test
    void inPeriodicModeTheSyncCommandCopiesAndAStopOfThePrimaryWaitsForALastCycle(@TempDir Path dir) throws Exception {
        startCluster(dir, "  mode: periodic\n  interval: 1h\n");
        startPair();
        Node n1 = cluster.node("node1");
        Node n2 = cluster.node("node2");

        Trees.write(d1.resolve("one.txt"), "first\n".getBytes());
        assertThat(cluster.command(n2, "sync").path("accepted").asBoolean()).as("sync on the secondary").isTrue();
        await("one.txt on node2", Duration.ofSeconds(20), () -> Files.exists(d2.resolve("one.txt")));
        // the file is in place a moment before the cycle reports its end
        await("node2 reporting a cycle that copied one file", Duration.ofSeconds(20), () -> cluster.status(n2)
                .map(st -> st.path("replication").path("lastCycle").path("copied").asLong() == 1).orElse(false));

        // SBS-4: written just before the stop, in periodic mode with an hour to the next cycle
        Trees.write(d1.resolve("last.txt"), "written just before the stop\n".getBytes());
        assertThat(cluster.command(n1, "stop").path("accepted").asBoolean()).isTrue();
        await("node2 ALONE", Duration.ofSeconds(30), () -> cluster.state(n2).startsWith("ALONE"));
        assertThat(d2.resolve("last.txt")).as("the last cycle ran before node1's services stopped")
                .hasContent("written just before the stop");
    }

    /** Lines of the node's output (its log) that contain {@code text}. */
    private long logLines(Node n, String text) {
        try (Stream<String> lines = Files.lines(cluster.dir().resolve(n.id() + ".out"))) {
            return lines.filter(l -> l.contains(text)).count();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    @Test
    void aFolderOnlyThePrimaryListsIsRefusedByTheStandbyUntilItsAllowedRootsHoldIt(@TempDir Path dir) throws Exception {
        Path e1 = Files.createDirectories(dir.resolve("node1-extra"));
        Path standby = Files.createDirectories(dir.resolve("standby"));
        Path e2 = Files.createDirectories(standby.resolve("extra"));
        Trees.write(e1.resolve("labels.csv"), "from the primary\n".getBytes());
        Trees.write(e2.resolve("own.txt"), "the standby's own file\n".getBytes());
        d1 = Files.createDirectories(dir.resolve("node1-data"));
        d2 = Files.createDirectories(dir.resolve("node2-data"));
        l1 = Files.createDirectories(dir.resolve("node1-loose"));
        l2 = Files.createDirectories(dir.resolve("node2-loose"));
        Trees.write(d1.resolve("data.txt"), "data\n".getBytes());
        // node1 adds a strict folder that node2 does not list: a standby that obeyed would empty e2
        String extra = "    - {path: \"%s\", target: \"%s\", strict: true}\n".formatted(e1, e2);
        cluster = new LocalCluster(ClusterAwait.home(), dir.resolve("cluster"), null, null,
                folders(d1, d2, l1, l2) + extra, folders(d2, d1, l2, l1));
        Node n1 = cluster.node("node1");
        Node n2 = cluster.node("node2");
        cluster.start(n1);
        cluster.start(n2);

        await("node2 refusing two resync cycles", Duration.ofSeconds(90),
                () -> logLines(n2, "sync: resync failed") >= 2);
        await("node2 SECOND not uptodate", Duration.ofSeconds(30), () -> cluster.state(n2).equals("SECOND not uptodate"));
        assertThat(logLines(n2, "ATTACK?")).as("the refused folder logged as an attack once, not per cycle").isEqualTo(1);
        assertThat(logLines(n2, "ATTACK? the active node names folder " + e1 + " with target " + e2)).isEqualTo(1);
        assertThat(e2.resolve("own.txt")).as("the unlisted strict folder is left intact").exists();
        assertThat(e2.resolve("labels.csv")).doesNotExist();
        assertThat(d2.resolve("data.txt")).as("no folder of the refused list is written").doesNotExist();

        // the site allows the root that holds it on node2: replicated like the others
        cluster.kill(n2);
        Files.writeString(n2.config(), "  allowed-roots: [\"" + standby + "\"]\n",
                java.nio.file.StandardOpenOption.APPEND);
        cluster.start(n2);
        await("node2 SECOND uptodate", Duration.ofSeconds(90), () -> cluster.state(n2).equals("SECOND uptodate"));
        await("node1 PRIM uptodate", Duration.ofSeconds(30), () -> cluster.state(n1).equals("PRIM uptodate"));
        assertThat(Trees.settledListing(e2, false)).as("strict, inside an allowed root")
                .isEqualTo(Trees.settledListing(e1, false));
        assertThat(d2.resolve("data.txt")).hasContent("data\n");
    }

    /** A file written by replication is either not there or whole: never a prefix of the source. */
    private static void assertWholeOrAbsent(Path copy, Path source) throws IOException {
        if (Files.exists(copy)) {
            assertThat(Files.mismatch(copy, source)).as("%s is whole when in place", copy).isEqualTo(-1L);
        }
    }
}
