package tandem.node;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import tandem.demo.LocalCluster;
import tandem.demo.LocalCluster.Node;

/** Waiting on a {@link LocalCluster} in tests: bounded, and a failure shows both nodes' state and log tails. */
final class ClusterAwait {
    /** A free TCP port on loopback, for a node's link, console or sync port. */
    static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Waits until {@code done}, looking every 20 ms; fails naming {@code what} after {@code limit}. */
    static void until(String what, Duration limit, BooleanSupplier done) {
        long end = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("no " + what + " within " + limit.toSeconds() + " s");
            }
            LockSupport.parkNanos(20_000_000L);
        }
    }

    private ClusterAwait() {
    }

    /** The installation directory the tests run against (rules/, routes/, samples/). */
    static java.nio.file.Path home() {
        return java.nio.file.Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize();
    }

    /** Polls {@code done} every {@code pollMs} for at most {@code limit}. */
    static void await(LocalCluster cluster, String what, Duration limit, long pollMs, BooleanSupplier done) {
        long end = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError(report(cluster, "no " + what + " within " + limit.toSeconds() + " s; "));
            }
            LockSupport.parkNanos(pollMs * 1_000_000L);
        }
    }

    private static String report(LocalCluster cluster, String head) {
        StringBuilder sb = new StringBuilder(head);
        for (Node n : cluster.nodes()) {
            sb.append(n.id()).append(' ').append(cluster.state(n)).append("; ");
        }
        for (Node n : cluster.nodes()) {
            try {
                sb.append("\n--- ").append(n.id()).append(".out (tail)\n");
                List<String> lines = Files.readAllLines(cluster.dir().resolve(n.id() + ".out"));
                lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(l -> sb.append(l).append('\n'));
            } catch (IOException e) {
                sb.append("(no output)");
            }
        }
        return sb.toString();
    }
}
