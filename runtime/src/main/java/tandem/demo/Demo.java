package tandem.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import tandem.demo.LocalCluster.Node;

/**
 * {@code tandem demo} ({@code tandem demo redundancy} is {@link RedundancyDemo}): a {@link LocalCluster}
 * and a scripted story with short timings. A client asks both application ports all the time and
 * measures the outage. No root, no virtual IP (each node's application has its own port), no set-up.
 *
 * <ul>
 *   <li>ms-failover: both up, the primary killed (its Tandem process and its application, as if its
 *       server lost power), the secondary takes over and serves, the old primary returns as SECOND, and a
 *       swap restores the original assignment.</li>
 *   <li>sbs: the main server (primary-only) and the backup server (backup-only) up, a file written on the
 *       main server reaches the backup with the periodic cycle, the main server killed, the backup takes
 *       over, starts the service the main server ran and mails it ({@link MailLog}), and the main server
 *       returns and takes the role back.</li>
 * </ul>
 *
 * <p>The demo's folder (configs, state, logs) is removed at the end, also after Ctrl-C, unless
 * {@code keepFiles}; a demo that fails keeps it for its logs. Ctrl-C (or SIGTERM) stops both nodes as an
 * operator stop does and waits for them, bounded by {@link LocalCluster#STOP_LIMIT}.
 */
public final class Demo {
    /** The sbs demo's sync period: a file written on the primary reaches the secondary within it. */
    static final String SBS_INTERVAL = "1s";

    private final LocalCluster cluster;
    private final LiveView view;
    private final String profile;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tandem-demo-view");
        t.setDaemon(true);
        return t;
    });
    private final java.util.Map<String, String> states = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile String served = "-";
    private volatile long servedAt = -1;
    private final MailLog mails;

    private Demo(LocalCluster cluster, String profile, LiveView view, MailLog mails) {
        this.cluster = cluster;
        this.profile = profile;
        this.view = view;
        this.mails = mails;
    }

    /**
     * Runs the demo of {@code profile} in a new folder under the temporary folder; 0 when every step
     * happened, 1 when one did not in time, 2 for a profile without a demo.
     */
    public static int run(Path home, String profile, boolean keep, boolean keepFiles, PrintStream out, PrintStream err)
            throws Exception {
        if (!List.of("ms-failover", "sbs", "redundancy").contains(profile)) {
            err.println("demo: profile \"" + profile + "\" has no demo; try: tandem demo ms-failover, tandem demo sbs"
                    + " or tandem demo redundancy");
            return 2;
        }
        Path dir = Files.createTempDirectory("tandem-demo-" + profile + "-");
        if (profile.equals("redundancy")) {
            return RedundancyDemo.run(home, dir, keep, keepFiles, out);
        }
        LiveView view = new LiveView(out, LiveView.terminal(System.getenv()));
        Ending ending = new Ending(dir, keepFiles, view);
        Thread hook = new Thread(ending::interrupted, "tandem-demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        int rc = 1;
        try {
            MailLog mails = profile.equals("sbs") ? MailLog.start(dir.resolve("mail.log"), Clock.systemUTC()) : null;
            ending.mails = mails;
            LocalCluster cluster = (mails != null ? sbsCluster(home, dir, mails.port())
                    : new LocalCluster(home, dir, null, null)).detachedFromTerminal();
            Demo demo = new Demo(cluster, profile, view, mails);
            ending.demo = demo;
            try {
                rc = demo.story(keep, keepFiles, dir);
            } catch (Exception | Error e) {
                if (!ending.interrupting) {
                    throw e;
                }
                // Ctrl-C while the story waited: its executor is gone, and that is no failure of the demo
                rc = 130;
            }
            return rc;
        } finally {
            // an interrupted demo removes its folder as an ended one does (unless --keep-files)
            ending.end(rc != 0 && rc != 130 && !ending.interrupting);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs anyway
            }
        }
    }

    /** How a demo ends: its nodes stopped, the mail log closed, its folder removed or kept (once). */
    private static final class Ending {
        private final Path dir;
        private final boolean keepFiles;
        private final LiveView view;
        private volatile Demo demo;
        private volatile MailLog mails;
        private boolean done;

        Ending(Path dir, boolean keepFiles, LiveView view) {
            this.dir = dir;
            this.keepFiles = keepFiles;
            this.view = view;
        }

        /** Ctrl-C or SIGTERM: the nodes are stopped as an operator stop does, then the folder goes. */
        /** Set first thing on Ctrl-C / SIGTERM: what fails in the story from then on is the stop, not a fault. */
        private volatile boolean interrupting;

        void interrupted() {
            interrupting = true;
            Demo d = demo;
            if (d != null) {
                d.ticker.shutdownNow();
                view.line("* stopping node1 and node2 as an operator stop does (SIGTERM), up to "
                        + LocalCluster.STOP_LIMIT.toSeconds() + " s");
            }
            end(false);
        }

        synchronized void end(boolean failed) {
            if (done) {
                return;
            }
            done = true;
            Demo d = demo;
            if (d != null) {
                d.ticker.shutdownNow();
                d.cluster.close();
            }
            if (mails != null) {
                mails.close();
            }
            if (keepFiles || failed) {
                view.line("the demo folder stays: " + dir);
            } else {
                removeFolder(dir);
            }
        }
    }

    /** Removes {@code dir} and everything in it. */
    static void removeFolder(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the demo folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The sbs pair: node1 the main server (primary-only), node2 the backup (backup-only), each its settings folder. */
    private static LocalCluster sbsCluster(Path home, Path dir, int smtpPort) throws IOException {
        Path s1 = Files.createDirectories(dir.resolve("node1/settings"));
        Files.createDirectories(dir.resolve("node2/settings"));
        Files.writeString(s1.resolve("printers.csv"), "printer,queue\nlabel-1,shipping\nlabel-2,returns\n");
        return new LocalCluster(home, dir, "sbs", "  role: primary-only\n", "  role: backup-only\n", null, null,
                sbsSection(dir, "node1", "node2", smtpPort), sbsSection(dir, "node2", "node1", smtpPort));
    }

    /** A node's periodic cycle and its mail section (the demo's {@link MailLog}). */
    private static String sbsSection(Path dir, String self, String peer, int smtpPort) {
        return """
                  mode: periodic
                  interval: %s
                  folders:
                    - {path: "%s", target: "%s", strict: true, keep-timestamps: true}
                mail:
                  host: 127.0.0.1
                  port: %d
                  from: %s@demo.invalid
                  to: [ops@demo.invalid]
                """.formatted(SBS_INTERVAL, dir.resolve(self + "/settings"), dir.resolve(peer + "/settings"), smtpPort, self);
    }

    private int story(boolean keep, boolean keepFiles, Path dir) throws Exception {
        view.line("tandem demo (" + profile + ")");
        view.line("* demo folder " + dir + " (configs, state, logs; " + (keepFiles ? "kept at the end)"
                : "removed at the end, --keep-files keeps it)"));
        ticker.scheduleAtFixedRate(this::poll, 0, 100, TimeUnit.MILLISECONDS);
        try {
            List<String> summary = profile.equals("sbs") ? sbs() : msFailover();
            view.line("");
            summary.forEach(view::line);
            if (keep) {
                Node n1 = cluster.node("node1");
                Node n2 = cluster.node("node2");
                view.line("the cluster keeps running (Ctrl-C stops both nodes as an operator stop does"
                        + (keepFiles ? "" : " and removes the demo folder") + "). Try:");
                for (Node n : cluster.nodes()) {
                    view.line("  bin/tandem status --config " + n.config());
                }
                for (Node n : cluster.nodes()) {
                    view.line("console: " + n.id() + " " + cluster.consoleUrl(n) + "  (user admin, password "
                            + cluster.consolePassword() + ")");
                }
                view.line("  bin/tandem command stop --config " + n1.config());
                view.line("  curl http://127.0.0.1:" + n1.appPort() + "/   and   curl http://127.0.0.1:" + n2.appPort() + "/");
                if (profile.equals("sbs")) {
                    view.line("  echo hello > " + dir.resolve("node1/settings/hello.txt") + "   then   ls "
                            + dir.resolve("node2/settings"));
                }
                new CompletableFuture<Void>().join();
            }
            return 0;
        } catch (TimeoutException e) {
            view.line("");
            view.line("demo FAILED: " + e.getMessage() + "; logs in " + dir);
            return 1;
        } finally {
            if (!keep) {
                ticker.shutdownNow();
            }
        }
    }

    /** The ms-failover story; its summary lines. */
    private List<String> msFailover() throws Exception {
        Node n1 = cluster.node("node1");
        Node n2 = cluster.node("node2");
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
        return List.of("summary: failover outage " + outage + " ms, swap outage " + swapOutage + " ms");
    }

    /** The sbs story; its summary lines. */
    private List<String> sbs() throws Exception {
        Node main = cluster.node("node1");
        Node backup = cluster.node("node2");
        Path dir = cluster.dir();
        say("mail server: SMTP on 127.0.0.1:" + mails.port() + ", every mail appended to " + mails.file());
        say("starting node1 (the main server, role primary-only) and node2 (the backup server, role backup-only)"
                + " on 127.0.0.1; node1's settings folder is copied to node2 every " + SBS_INTERVAL);
        cluster.start(main);
        cluster.start(backup);
        await("node1 primary (PRIM) and node2 secondary (SECOND uptodate)", 90,
                () -> state(main).equals("PRIM uptodate") && state(backup).equals("SECOND uptodate"));
        await("the application answering on node1", 30, () -> main.id().equals(served));
        say("both up: node1 primary (PRIM) serves, node2 secondary (SECOND) uptodate");

        Path written = dir.resolve("node1/settings/labels.csv");
        Path copy = dir.resolve("node2/settings/labels.csv");
        String text = "label,printer\nshipping,label-1\n";
        long writtenAt = System.nanoTime();
        Files.writeString(written, text);
        say("wrote " + written + " on node1");
        await("the file copied to node2", 30, () -> sameText(copy, text));
        say("the periodic cycle copied it to " + copy + " in " + (System.nanoTime() - writtenAt) / 1_000_000 + " ms");
        Path peerServices = dir.resolve("state/node2/sync/peer-services");
        await("node2 told which services node1 runs", 30, () -> Files.exists(peerServices));
        say("node2 knows the services node1 runs (sent with every cycle): "
                + String.join(", ", Files.readAllLines(peerServices)));

        say("killing node1 (kill -9 of its Tandem process; its application dies with it)");
        long killedAt = System.nanoTime();
        cluster.kill(main);
        await("node2 serving", 60, () -> backup.id().equals(served) && servedAt > killedAt);
        long outage = (servedAt - killedAt) / 1_000_000;
        say("node2 took over as primary (" + state(backup) + ") and runs node1's service: outage " + outage
                + " ms (failover timeout 2 s, then the start)");
        await("the takeover mail in " + mails.file(), 60, () -> mails.received().stream()
                .anyMatch(m -> m.subject().contains("took over")));
        for (MailLog.Received m : mails.received()) {
            say("mail " + m.number() + " to " + String.join(", ", m.to()) + ": " + m.subject());
        }

        say("restarting node1: the main server joins as secondary, pulls what node2 wrote, and node2 hands the"
                + " role back");
        long backAt = System.nanoTime();
        cluster.start(main);
        await("node1 primary again and node2 secondary", 90, () -> state(main).equals("PRIM uptodate")
                && state(backup).equals("SECOND uptodate") && main.id().equals(served) && servedAt > backAt);
        say("node1 is primary again (PRIM), node2 secondary (SECOND uptodate)");
        return List.of("summary: takeover outage " + outage + " ms; " + mails.received().size() + " mail(s) in "
                + mails.file());
    }

    private static boolean sameText(Path p, String text) {
        try {
            return Files.exists(p) && Files.readString(p).equals(text);
        } catch (IOException e) {
            return false; // being written
        }
    }

    private void say(String line) {
        view.line("* " + line);
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
        List<String> lines = new ArrayList<>();
        for (Node n : cluster.nodes()) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %-6s %-22s", n.id(), state(n)));
            if (n.id().equals(served) && servedAt > System.nanoTime() - 500_000_000L) {
                sb.append(" <- serving on 127.0.0.1:").append(n.appPort());
            }
            lines.add(sb.toString().stripTrailing());
        }
        view.status(lines);
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
