package tandem.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import tandem.demo.LocalCluster.Node;

/**
 * {@code tandem demo} (ms-failover; {@code tandem demo redundancy} is {@link RedundancyDemo}): a {@link LocalCluster} and a scripted story with short timings: both up, the
 * primary killed (its Tandem process and its application, as if its server lost power), the
 * secondary takes over and serves, the old primary returns as SECOND, and a swap restores the
 * original assignment. A client asks both application ports all the time and measures the outage.
 * No root, no virtual IP (each node's application has its own port), no set-up.
 */
public final class Demo {
    private final LocalCluster cluster;
    private final PrintStream out;
    private final boolean tty;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tandem-demo-view");
        t.setDaemon(true);
        return t;
    });
    private final List<String> story = new ArrayList<>();
    private final java.util.Map<String, String> states = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile String served = "-";
    private volatile long servedAt = -1;
    private String lastView = "";

    private Demo(LocalCluster cluster, PrintStream out) {
        this.cluster = cluster;
        this.out = out;
        this.tty = System.console() != null && System.getenv("TERM") != null && !"dumb".equals(System.getenv("TERM"));
    }

    public static int run(Path home, String profile, boolean keep, PrintStream out, PrintStream err) throws Exception {
        if (profile.equals("redundancy")) {
            return RedundancyDemo.run(home, Files.createTempDirectory("tandem-demo-redundancy-"), keep, out);
        }
        if (!profile.equals("ms-failover")) {
            err.println("demo: profile \"" + profile + "\" has no demo yet; try: tandem demo ms-failover, or"
                    + " tandem demo redundancy");
            return 2;
        }
        LocalCluster cluster = new LocalCluster(home, Files.createTempDirectory("tandem-demo-"), null, null);
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "tandem-demo-stop"));
        try (cluster) {
            return new Demo(cluster, out).story(keep);
        }
    }

    private int story(boolean keep) throws Exception {
        Node n1 = cluster.node("node1");
        Node n2 = cluster.node("node2");
        say("demo folder " + cluster.dir() + " (configs, state, logs)");
        ticker.scheduleAtFixedRate(this::poll, 0, 100, TimeUnit.MILLISECONDS);
        try {
            say("starting node1 and node2 on 127.0.0.1");
            cluster.start(n1);
            cluster.start(n2);
            await("a PRIM/SECOND pair", 90, () -> pair() != null);
            Node prim = pair();
            Node second = cluster.other(prim);
            await("the application answering on " + prim.id(), 30, () -> prim.id().equals(served));
            say("both up: " + prim.id() + " PRIM serves, " + second.id() + " SECOND uptodate");

            say("killing " + prim.id() + " (kill -9 of its Tandem process; its application dies with it)");
            long killedAt = System.nanoTime();
            cluster.kill(prim);
            await(second.id() + " serving", 60, () -> second.id().equals(served) && servedAt > killedAt);
            long outage = (servedAt - killedAt) / 1_000_000;
            say(second.id() + " took over and serves: outage " + outage + " ms (failover timeout 2 s, then the start)");

            say("restarting " + prim.id());
            cluster.start(prim);
            await(prim.id() + " back as SECOND uptodate", 60,
                    () -> state(prim).equals("SECOND uptodate") && state(second).equals("PRIM uptodate"));
            say(prim.id() + " returned as SECOND (no automatic failback); " + second.id() + " is PRIM");

            say("swap on " + second.id() + " to restore the original assignment");
            long swapAt = System.nanoTime();
            JsonNode answer = cluster.command(second, "swap");
            say("  " + answer.path("reason").asText());
            await("the original assignment", 60, () -> state(prim).equals("PRIM uptodate")
                    && state(second).equals("SECOND uptodate") && prim.id().equals(served) && servedAt > swapAt);
            long swapOutage = (servedAt - swapAt) / 1_000_000;
            say("swap done: " + prim.id() + " PRIM, " + second.id() + " SECOND; outage " + swapOutage + " ms");
            view();
            out.println();
            out.println("summary: failover outage " + outage + " ms, swap outage " + swapOutage + " ms; logs in " + cluster.dir());
            if (keep) {
                out.println("the cluster keeps running (Ctrl-C stops it). Try:");
                for (Node n : cluster.nodes()) {
                    out.println("  bin/tandem status --config " + n.config());
                }
                out.println("  bin/tandem command stop --config " + prim.config());
                out.println("  curl http://127.0.0.1:" + n1.appPort() + "/   and   curl http://127.0.0.1:" + n2.appPort() + "/");
                new CompletableFuture<Void>().join();
            }
            return 0;
        } catch (TimeoutException e) {
            out.println();
            out.println("demo FAILED: " + e.getMessage() + "; logs in " + cluster.dir());
            return 1;
        } finally {
            ticker.shutdownNow();
        }
    }

    private String state(Node n) {
        return states.getOrDefault(n.id(), "down");
    }

    private void poll() {
        for (Node n : cluster.nodes()) {
            states.put(n.id(), cluster.state(n));
        }
        for (Node n : cluster.nodes()) {
            cluster.app(n).ifPresent(name -> {
                served = name;
                servedAt = System.nanoTime();
            });
        }
        view();
    }

    private synchronized void view() {
        StringBuilder sb = new StringBuilder();
        for (Node n : cluster.nodes()) {
            sb.append(String.format(Locale.ROOT, "  %-6s %-22s", n.id(), state(n)));
            if (n.id().equals(served) && servedAt > System.nanoTime() - 500_000_000L) {
                sb.append(" <- serving on 127.0.0.1:").append(n.appPort());
            }
            sb.append('\n');
        }
        String v = sb.toString();
        if (tty) {
            StringBuilder screen = new StringBuilder("\033[H\033[2J").append("tandem demo (ms-failover)\n\n").append(v).append('\n');
            story.forEach(line -> screen.append(line).append('\n'));
            out.print(screen);
            out.flush();
        } else if (!v.equals(lastView)) {
            out.print(v);
            out.flush();
        }
        lastView = v;
    }

    private synchronized void say(String line) {
        story.add(line);
        if (!tty) {
            out.println("* " + line);
        }
    }

    private Node pair() {
        for (Node n : cluster.nodes()) {
            if (state(n).equals("PRIM uptodate") && state(cluster.other(n)).equals("SECOND uptodate")) {
                return n;
            }
        }
        return null;
    }

    private void await(String what, int seconds, BooleanSupplier done) throws Exception {
        CompletableFuture<Void> f = new CompletableFuture<>();
        var check = ticker.scheduleAtFixedRate(() -> {
            if (done.getAsBoolean()) {
                f.complete(null);
            }
        }, 0, 50, TimeUnit.MILLISECONDS);
        try {
            f.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new TimeoutException("no " + what + " within " + seconds + " s");
        } finally {
            check.cancel(false);
        }
    }
}
