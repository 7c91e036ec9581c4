package tandem.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small network lab in namespaces for {@link NetnsClusterTest}: node1, node2 and a client, each with
 * an {@code eth0} that is one end of a veth pair whose other end ({@code p1}, {@code p2}, {@code p3})
 * is a port of the bridge {@code br0} in a fourth namespace, the "switch". Names carry a prefix and
 * this JVM's pid, so parallel runs do not collide; {@link #close()} ends every process started here
 * (by pid) and deletes every namespace, whatever state the lab is in.
 */
final class NetnsLab implements AutoCloseable {
    static final long PID = ProcessHandle.current().pid();

    final String node1;
    final String node2;
    final String client;
    final String bridge;
    final String subnet;
    private final List<String> created = new ArrayList<>();
    private final List<Process> processes = Collections.synchronizedList(new ArrayList<>());

    /** @param prefix e.g. {@code tnt-}; @param octet the second octet of the lab's 10.X.0.0/24 */
    NetnsLab(String prefix, int octet) {
        this.node1 = prefix + PID + "-n1";
        this.node2 = prefix + PID + "-n2";
        this.client = prefix + PID + "-c";
        this.bridge = prefix + PID + "-br";
        this.subnet = "10." + octet + ".0.";
    }

    /** True when this JVM runs as root and can create a network namespace (checked with a throwaway one). */
    static boolean usable() {
        try {
            String uid = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                    .findFirst().orElse("Uid: -1").split("\\s+")[1];
            if (!uid.equals("0")) {
                return false;
            }
            String probe = "tnt-probe-" + PID;
            if (run(List.of("ip", "netns", "add", probe)).code != 0) {
                return false;
            }
            run(List.of("ip", "netns", "del", probe));
            return run(List.of("sh", "-c", "command -v curl && command -v arping && command -v timeout")).code == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Builds the namespaces, the bridge and the links, and gives node1 .1, node2 .2 and the client .100. */
    void build() throws IOException {
        for (String ns : List.of(node1, node2, client, bridge)) {
            must("ip", "netns", "add", ns);
            created.add(ns);
            must("ip", "-n", ns, "link", "set", "lo", "up");
        }
        must("ip", "-n", bridge, "link", "add", "br0", "type", "bridge", "forward_delay", "0");
        must("ip", "-n", bridge, "link", "set", "br0", "up");
        String[] hosts = {node1, node2, client};
        String[] addrs = {subnet + "1/24", subnet + "2/24", subnet + "100/24"};
        for (int i = 0; i < hosts.length; i++) {
            String port = "p" + (i + 1);
            must("ip", "link", "add", "eth0", "netns", hosts[i], "type", "veth", "peer", "name", port, "netns", bridge);
            must("ip", "-n", bridge, "link", "set", port, "master", "br0");
            must("ip", "-n", bridge, "link", "set", port, "up");
            must("ip", "-n", hosts[i], "addr", "add", addrs[i], "dev", "eth0");
            must("ip", "-n", hosts[i], "link", "set", "eth0", "up");
        }
    }

    /** The bridge-side port of node1 ({@code p1}), node2 ({@code p2}) or the client ({@code p3}). */
    void link(int port, boolean up) throws IOException {
        must("ip", "-n", bridge, "link", "set", "p" + port, up ? "up" : "down");
    }

    /** Starts {@code argv} inside namespace {@code ns}; output to {@code log}; ended by {@link #close()}. */
    Process start(String ns, List<String> argv, Path log) throws IOException {
        Process p = new ProcessBuilder(exec(ns, argv)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        processes.add(p);
        return p;
    }

    /** Starts {@code argv} inside {@code ns} with its output readable by the caller. */
    Process startPiped(String ns, List<String> argv) throws IOException {
        Process p = new ProcessBuilder(exec(ns, argv)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        processes.add(p);
        return p;
    }

    /** Runs {@code argv} inside {@code ns}, bounded to 10 s. */
    Result in(String ns, List<String> argv) throws IOException {
        return run(exec(ns, argv));
    }

    private static List<String> exec(String ns, List<String> argv) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        all.addAll(argv);
        return all;
    }

    record Result(int code, String out) {
    }

    static Result run(List<String> argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new Result(-1, "timed out: " + String.join(" ", argv));
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return new Result(-1, "interrupted");
        }
    }

    private static void must(String... argv) throws IOException {
        Result r = run(List.of(argv));
        if (r.code != 0) {
            throw new IOException(String.join(" ", argv) + ": exit " + r.code + ": " + r.out.strip());
        }
    }

    /** SIGTERM to every process started here, SIGKILL to those still there after 15 s; then the namespaces go. */
    @Override
    public void close() {
        List<Process> all;
        synchronized (processes) {
            all = new ArrayList<>(processes);
        }
        for (Process p : all) {
            if (p.isAlive()) {
                p.destroy();
            }
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (Process p : all) {
            try {
                long left = Math.max(1, end - System.nanoTime());
                if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        // deleting a namespace deletes the veth ends in it, and with them the pairs
        for (String ns : created) {
            try {
                run(List.of("ip", "netns", "del", ns));
            } catch (IOException e) {
                // nothing more to do; the next ns may still go
            }
        }
        created.clear();
    }
}
