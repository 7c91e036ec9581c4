package tandem.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The network of one fault run, in namespaces of this machine (as root); nothing leaves them.
 *
 * <pre>
 *   node1 eth0 (10.X.0.1) ──┐                       ┌── eth1 (10.X.1.1) node1
 *   node2 eth0 (10.X.0.2) ──┤ br0 "lan"    "hb" br1 ├── eth1 (10.X.1.2) node2
 *   client eth0 (.100) ─────┤   (in the switch      │
 *   witness eth0 (.200) ────┘    namespace)         │
 *   node1 mg0 (10.X.2.2) ── root namespace 10.X.2.1 (the harness asks the nodes' API here)
 *   node2 mg0 (10.X.2.6) ── root namespace 10.X.2.5
 * </pre>
 *
 * The LAN carries the virtual IP, the client's polls, the witness's pings, the peer link and the
 * sync channel; the second link carries the second heartbeat link only. The management links are
 * never cut: they let the harness see a node whose LAN is down. Names carry a prefix and this JVM's
 * pid; {@link #close()} ends every process started here (by pid) and deletes every namespace and the
 * root-side management ends, whatever state the lab is in (also from a shutdown hook when the run is
 * interrupted).
 */
final class FaultLab implements AutoCloseable {
    static final long PID = ProcessHandle.current().pid();

    final String node1;
    final String node2;
    final String client;
    final String witness;
    final String sw;
    /** "10.X." */
    final String net;
    private final String mgmt1;
    private final String mgmt2;
    private final List<String> created = new ArrayList<>();
    private final List<String> rootLinks = new ArrayList<>();
    private final List<Process> processes = Collections.synchronizedList(new ArrayList<>());
    private final Thread hook = new Thread(this::close, "fault lab clean-up");
    /** What else a close undoes, last registered first (the pair's tmpfs volumes). */
    private final List<Runnable> undo = Collections.synchronizedList(new ArrayList<>());
    private boolean closed;

    /** @param octet the second octet of the lab's 10.X.0.0/16 */
    FaultLab(int octet) {
        String p = "tf" + PID;
        node1 = p + "-n1";
        node2 = p + "-n2";
        client = p + "-c";
        witness = p + "-w";
        sw = p + "-sw";
        mgmt1 = "tfa" + PID;
        mgmt2 = "tfb" + PID;
        net = "10." + octet + ".";
    }

    String ns(int node) {
        return node == 1 ? node1 : node2;
    }

    /** node's LAN address, 10.X.0.1 or .2 */
    String lan(int node) {
        return net + "0." + node;
    }

    /** node's second-link address */
    String hb(int node) {
        return net + "1." + node;
    }

    /** the address the harness reaches node's API on */
    String mgmt(int node) {
        return net + "2." + (node == 1 ? 2 : 6);
    }

    String clientAddress() {
        return net + "0.100";
    }

    String witnessAddress() {
        return net + "0.200";
    }

    /** True when this JVM runs as root on Linux and can create a namespace, with tc and arping. */
    static String unusableBecause() {
        if (System.getProperty("os.name", "").toLowerCase().contains("win")) {
            return "Linux only";
        }
        try {
            String uid = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                    .findFirst().orElse("Uid: -1").split("\\s+")[1];
            if (!uid.equals("0")) {
                return "needs root";
            }
            String probe = "tf-probe-" + PID;
            Result r = run(List.of("ip", "netns", "add", probe));
            if (r.code != 0) {
                return "cannot create a network namespace: " + r.out.strip();
            }
            run(List.of("ip", "netns", "del", probe));
            Result tools = run(List.of("sh", "-c", "command -v tc && command -v arping && command -v ping"));
            return tools.code == 0 ? null : "needs tc (iproute2), arping (iputils-arping) and ping (iputils-ping)";
        } catch (IOException e) {
            return e.toString();
        }
    }

    void build() throws IOException {
        Runtime.getRuntime().addShutdownHook(hook);
        for (String ns : List.of(node1, node2, client, witness, sw)) {
            must("ip", "netns", "add", ns);
            created.add(ns);
            must("ip", "-n", ns, "link", "set", "lo", "up");
        }
        for (String br : List.of("br0", "br1")) {
            must("ip", "-n", sw, "link", "add", br, "type", "bridge", "forward_delay", "0");
            must("ip", "-n", sw, "link", "set", br, "up");
        }
        plug(node1, "eth0", "l1", "br0", lan(1) + "/24");
        plug(node2, "eth0", "l2", "br0", lan(2) + "/24");
        plug(client, "eth0", "lc", "br0", clientAddress() + "/24");
        plug(witness, "eth0", "lw", "br0", witnessAddress() + "/24");
        plug(node1, "eth1", "h1", "br1", hb(1) + "/24");
        plug(node2, "eth1", "h2", "br1", hb(2) + "/24");
        management(node1, mgmt1, net + "2.1/30", mgmt(1) + "/30");
        management(node2, mgmt2, net + "2.5/30", mgmt(2) + "/30");
    }

    private void plug(String ns, String dev, String port, String bridge, String cidr) throws IOException {
        must("ip", "link", "add", dev, "netns", ns, "type", "veth", "peer", "name", port, "netns", sw);
        must("ip", "-n", sw, "link", "set", port, "master", bridge);
        must("ip", "-n", sw, "link", "set", port, "up");
        must("ip", "-n", ns, "addr", "add", cidr, "dev", dev);
        must("ip", "-n", ns, "link", "set", dev, "up");
    }

    private void management(String ns, String rootEnd, String rootCidr, String nsCidr) throws IOException {
        must("ip", "link", "add", rootEnd, "type", "veth", "peer", "name", "mg0", "netns", ns);
        rootLinks.add(rootEnd);
        must("ip", "addr", "add", rootCidr, "dev", rootEnd);
        must("ip", "link", "set", rootEnd, "up");
        must("ip", "-n", ns, "addr", "add", nsCidr, "dev", "mg0");
        must("ip", "-n", ns, "link", "set", "mg0", "up");
    }

    /** Registers something {@link #close()} undoes after the processes are gone (also on interruption). */
    void onClose(Runnable r) {
        undo.add(0, r);
    }

    /** The switch port of node's LAN ({@code lan = true}) or second link, up or down. */
    void link(int node, boolean lan, boolean up) throws IOException {
        must("ip", "-n", sw, "link", "set", (lan ? "l" : "h") + node, up ? "up" : "down");
    }

    /** The witness's switch port up or down (a witness that is there or not). */
    void witnessLink(boolean up) throws IOException {
        must("ip", "-n", sw, "link", "set", "lw", up ? "up" : "down");
    }

    /**
     * Loss and jitter on node's LAN, both ways, as {@code netem loss L% delay D J} would (this kernel has
     * no netem, nor tc classifiers or actions): the node's switch port leaves the bridge and
     * {@code bench/impair.py} relays its frames to a new port of the bridge, dropping and delaying them.
     * The node's offloads are off meanwhile, so every frame fits the relay's interfaces.
     * {@link #unimpair} puts the port back. Returns the relay, which ends by itself after {@code seconds}.
     */
    Process impair(int node, int lossPercent, int delayMs, int jitterMs, long seed, long seconds, Path log)
            throws IOException {
        String port = "l" + node;
        String in = "x" + node;
        String out = "y" + node;
        must("ip", "-n", sw, "link", "set", port, "nomaster");
        must("ip", "-n", sw, "link", "add", in, "type", "veth", "peer", "name", out);
        must("ip", "-n", sw, "link", "set", out, "master", "br0");
        for (String dev : List.of(in, out, port)) {
            must("ip", "-n", sw, "link", "set", dev, "up");
        }
        must("ip", "-n", sw, "link", "set", port, "promisc", "on");
        must("ip", "-n", sw, "link", "set", in, "promisc", "on");
        // segmentation offload would hand the relay frames larger than the MTU
        run(List.of("ip", "-n", ns(node), "link", "set", "eth0", "gso_max_size", "1500"));
        run(List.of("ip", "-n", ns(node), "link", "set", "eth0", "gro_max_size", "1500"));
        return start(sw, List.of("python3", Faults.home().resolve("bench/impair.py").toString(), port, in,
                String.valueOf(lossPercent), String.valueOf(delayMs), String.valueOf(jitterMs), String.valueOf(seed),
                String.valueOf(seconds)), List.of(), log);
    }

    /** Ends the relay of {@link #impair} and plugs node's port back into the bridge. */
    void unimpair(int node, Process relay) throws IOException {
        relay.destroy();
        try {
            if (!relay.waitFor(5, TimeUnit.SECONDS)) {
                relay.destroyForcibly();
            }
        } catch (InterruptedException e) {
            relay.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        run(List.of("ip", "-n", sw, "link", "del", "x" + node));
        must("ip", "-n", sw, "link", "set", "l" + node, "master", "br0");
        run(List.of("ip", "-n", ns(node), "link", "set", "eth0", "gso_max_size", "65536"));
        run(List.of("ip", "-n", ns(node), "link", "set", "eth0", "gro_max_size", "65536"));
    }

    /** Starts {@code argv} inside namespace {@code ns}, output appended to {@code log}; ended by {@link #close()}. */
    Process start(String ns, List<String> argv, List<String> env, Path log) throws IOException {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        if (!env.isEmpty()) {
            all.add("env");
            all.addAll(env);
        }
        all.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(all).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        p.getOutputStream().close();
        processes.add(p);
        return p;
    }

    /** Starts {@code argv} inside {@code ns} with its standard output readable by the caller. */
    Process startPiped(String ns, List<String> argv) throws IOException {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        all.addAll(argv);
        Process p = new ProcessBuilder(all).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        processes.add(p);
        return p;
    }

    /** Runs {@code argv} inside {@code ns}, bounded to 10 s. */
    Result in(String ns, List<String> argv) throws IOException {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        all.addAll(argv);
        return run(all);
    }

    /** True when {@code address} is on ns's eth0 (the virtual IP held). */
    boolean holds(String ns, String address) {
        try {
            return run(List.of("ip", "-n", ns, "-o", "-4", "addr", "show", "dev", "eth0")).out.contains(" " + address + "/");
        } catch (IOException e) {
            return false;
        }
    }

    /** What the client's neighbour table says of {@code address}, beside each node's LAN MAC address (a diagnosis). */
    String neighbours(String address) {
        StringBuilder sb = new StringBuilder("client neighbour: ");
        try {
            sb.append(run(List.of("ip", "-n", client, "neigh", "show", address)).out.strip());
            for (int n = 1; n <= 2; n++) {
                String link = run(List.of("ip", "-n", ns(n), "-o", "link", "show", "dev", "eth0")).out;
                int at = link.indexOf("link/ether ");
                sb.append("; node").append(n).append(" eth0 ")
                        .append(at < 0 ? "?" : link.substring(at + 11, Math.min(link.length(), at + 28)));
            }
        } catch (IOException e) {
            sb.append(e.getMessage());
        }
        return sb.toString();
    }

    record Result(int code, String out) {
    }

    static Result run(List<String> argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readNBytes(1 << 20);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new Result(-1, "timed out: " + String.join(" ", argv));
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return new Result(-1, "interrupted");
        }
    }

    static void must(String... argv) throws IOException {
        Result r = run(List.of(argv));
        if (r.code != 0) {
            throw new IOException(String.join(" ", argv) + ": exit " + r.code + ": " + r.out.strip());
        }
    }

    /** Signals a process tree: every descendant of {@code root} first, then it. */
    static void signal(ProcessHandle root, String signal) throws IOException {
        List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
        all.add(root);
        for (ProcessHandle h : all) {
            run(List.of("kill", "-" + signal, String.valueOf(h.pid())));
        }
    }

    /** SIGTERM to every process started here and their children, SIGKILL after 15 s; then the namespaces go. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // closing from the hook itself
        }
        List<Process> all;
        synchronized (processes) {
            all = new ArrayList<>(processes);
        }
        List<ProcessHandle> handles = new ArrayList<>();
        for (Process p : all) {
            handles.addAll(p.descendants().toList());
            handles.add(p.toHandle());
        }
        for (ProcessHandle h : handles) {
            try {
                run(List.of("kill", "-CONT", String.valueOf(h.pid())));
            } catch (IOException e) {
                // gone
            }
            h.destroy();
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (ProcessHandle h : handles) {
            try {
                long left = Math.max(1, end - System.nanoTime());
                h.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
        synchronized (undo) {
            for (Runnable r : undo) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    // the next may still work
                }
            }
            undo.clear();
        }
        for (String ns : created) {
            try {
                run(List.of("ip", "netns", "del", ns));
            } catch (IOException e) {
                // the next may still go
            }
        }
        for (String l : rootLinks) {
            try {
                run(List.of("ip", "link", "del", l));
            } catch (IOException e) {
                // gone with its namespace
            }
        }
        created.clear();
        rootLinks.clear();
    }
}
