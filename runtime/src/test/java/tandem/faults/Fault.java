package tandem.faults;

import static tandem.faults.Faults.await;
import static tandem.faults.Faults.pause;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The faults, each a procedure on a running {@link Faults.Run} whose pair is formed when it begins;
 * it injects the fault, checks what must hold while it lasts, heals it and returns. What every trial
 * checks afterwards (the pair formed again, one application, the virtual IP on the primary, the same
 * data on both nodes) and all the time ({@link Watch}) is not repeated here.
 *
 * @param name     the name {@code bench/faults --fault} takes
 * @param profiles the profiles it applies to
 * @param lab      the lab it needs: {@code witness} (the default), {@code no-witness}, {@code clock}, {@code disk}
 *                 (a tmpfs volume), or {@link #STANDALONE}
 */
record Fault(String name, List<String> profiles, String lab, Procedure procedure) {

    /** What a trial measured: the client's outage, the time to the formed pair (-1: the runner's), spurious failovers. */
    record Outcome(long outageMs, long pairMs, int spurious) {
    }

    interface Procedure {
        Outcome run(Faults.Run r, List<String> notes) throws Exception;
    }

    Outcome run(Faults.Run r, List<String> notes) throws Exception {
        return procedure.run(r, notes);
    }

    static final List<String> BOTH = List.of("ms-failover", "sbs");
    static final List<String> PROFILES = List.of("ms-failover", "sbs", "redundancy");
    /** The lab of a fault that brings its own set-up instead of a pair in namespaces. */
    static final String STANDALONE = "standalone";
    static final List<String> VIP = List.of("ms-failover");
    static final Duration TIMEOUT = Pair.FAILOVER_TIMEOUT;

    static List<Fault> all() {
        List<Fault> f = new ArrayList<>();
        f.add(new Fault("kill9-primary", BOTH, "witness", Fault::killPrimary));
        f.add(new Fault("kill9-secondary", BOTH, "witness", Fault::killSecondary));
        f.add(new Fault("sigstop-primary", BOTH, "witness", Fault::stopPrimary));
        f.add(new Fault("link-cut-lan", BOTH, "witness", (r, n) -> cut(r, n, true, false)));
        f.add(new Fault("link-cut-second", BOTH, "witness", (r, n) -> cut(r, n, false, true)));
        f.add(new Fault("link-cut-both", BOTH, "witness", (r, n) -> cut(r, n, true, true)));
        f.add(new Fault("partition-no-witness", BOTH, "no-witness", (r, n) -> cut(r, n, true, true)));
        f.add(new Fault("netem-loss-jitter", BOTH, "witness", Fault::netem));
        f.add(new Fault("boot-together", BOTH, "witness", Fault::bootTogether));
        f.add(new Fault("stop-together", BOTH, "witness", Fault::stopTogether));
        f.add(new Fault("restart-mid-sync", BOTH, "witness", Fault::restartMidSync));
        f.add(new Fault("disk-full-standby", BOTH, "disk", Fault::diskFull));
        f.add(new Fault("clock-step+10s", BOTH, "clock", (r, n) -> clock(r, n, 10)));
        f.add(new Fault("clock-step-10s", BOTH, "clock", (r, n) -> clock(r, n, -10)));
        f.add(new Fault("clock-step+10m", BOTH, "clock", (r, n) -> clock(r, n, 600)));
        f.add(new Fault("clock-step-10m", BOTH, "clock", (r, n) -> clock(r, n, -600)));
        // the redundancy profile's own: a standby's SSH server gone mid-upload (UploadCutFault runs it alone)
        f.add(new Fault("ssh-gone-mid-upload", List.of("redundancy"), STANDALONE, null));
        return f;
    }

    static Optional<Fault> named(String name) {
        return all().stream().filter(f -> f.name.equals(name)).findFirst();
    }

    /** How long netem's loss and jitter last; {@code bench/faults --quick} shortens it. */
    static volatile Duration netemFor = Duration.ofMinutes(2);

    // --- the procedures -------------------------------------------------------------------------

    private static int primary(Faults.Run r) throws IOException {
        int p = r.pair.formed();
        if (p == 0 && !await(Duration.ofSeconds(60), () -> r.pair.formed() != 0)) {
            throw new IOException("no formed pair before the fault: node1 " + r.pair.state(1) + ", node2 " + r.pair.state(2));
        }
        p = r.pair.formed();
        int prim = p;
        if (r.pair.vip != null && !await(Duration.ofSeconds(15),
                () -> r.client.first("node" + prim, System.currentTimeMillis() - 300).isPresent())) {
            throw new IOException("the client is not served by the primary node" + prim + " before the fault");
        }
        return p;
    }

    private static boolean active(Faults.Run r, int n) {
        return Watch.isActive(r.pair.state(n));
    }

    /** The survivor must take over within 10 failover timeouts; a violation otherwise. */
    private static long takeover(Faults.Run r, int survivor, long t, String fault) {
        if (!await(TIMEOUT.multipliedBy(10), () -> active(r, survivor))) {
            r.watch.violation(Instant.now() + ": " + fault + ": node" + survivor + " did not take over within "
                    + TIMEOUT.multipliedBy(10).toMillis() + " ms (it is " + r.pair.state(survivor) + ")");
            return -1;
        }
        if (r.pair.vip != null) {
            if (!await(Duration.ofSeconds(10), () -> r.client.first("node" + survivor, t).isPresent())) {
                r.watch.violation(Instant.now() + ": " + fault + ": the client was not served by node" + survivor
                        + " within 10 s of its takeover");
                return -1;
            }
            // the longest silence the client saw from the fault to a second after the survivor answered
            long answered = r.client.first("node" + survivor, t).orElseThrow().end();
            await(Duration.ofSeconds(2), () -> System.currentTimeMillis() > answered + 1_000);
            return r.client.maxGap(t, answered + 1_000);
        }
        // no virtual IP (sbs): the service's outage is from the fault to the survivor's application running
        if (!await(Duration.ofSeconds(15), () -> r.pair.app(survivor).isPresent())) {
            r.watch.violation(Instant.now() + ": " + fault + ": node" + survivor + " took over but its application"
                    + " is not running within 15 s");
            return -1;
        }
        return System.currentTimeMillis() - t;
    }

    private static Outcome killPrimary(Faults.Run r, List<String> notes) throws Exception {
        int p = primary(r);
        int s = 3 - p;
        long t = System.currentTimeMillis();
        r.watch.absent(p, true);
        r.pair.kill(p);
        long outage = takeover(r, s, t, "kill9-primary");
        // the machine's supervisor (systemd Restart=on-failure) starts it again
        pause(Duration.ofSeconds(1));
        r.pair.start(p);
        r.watch.absent(p, false);
        notes.add("node" + p + " killed, node" + s + " took over, node" + p + " restarted");
        return new Outcome(outage, -1, 0);
    }

    private static Outcome killSecondary(Faults.Run r, List<String> notes) throws Exception {
        int p = primary(r);
        int s = 3 - p;
        int moves = r.watch.moves();
        long t = System.currentTimeMillis();
        r.watch.absent(s, true);
        r.pair.kill(s);
        // the primary goes on alone once it has missed the secondary for the failover timeout
        await(TIMEOUT.multipliedBy(10), () -> r.pair.state(p).startsWith("ALONE "));
        pause(Duration.ofSeconds(1));
        r.pair.start(s);
        r.watch.absent(s, false);
        return still(r, p, moves, t, "kill9-secondary", notes);
    }

    /** A fault after which the primary must still be the one: a move is a spurious failover. */
    private static Outcome still(Faults.Run r, int p, int moves, long t, String fault, List<String> notes) {
        int spurious = r.watch.moves() - moves;
        if (spurious > 0 || !active(r, p)) {
            spurious = Math.max(1, spurious);
            r.watch.violation(Instant.now() + ": " + fault + ": the active node changed (" + spurious
                    + " time(s)) although node" + p + " kept running and heartbeats kept arriving; now node1 "
                    + r.pair.state(1) + ", node2 " + r.pair.state(2));
        }
        return new Outcome(r.pair.vip != null ? r.client.maxGap(t, System.currentTimeMillis()) : -1, -1, spurious);
    }

    private static Outcome stopPrimary(Faults.Run r, List<String> notes) throws Exception {
        int p = primary(r);
        int s = 3 - p;
        long t = System.currentTimeMillis();
        r.watch.absent(p, true);
        r.pair.freeze(p, true);
        long outage;
        try {
            outage = takeover(r, s, t, "sigstop-primary");
            long left = TIMEOUT.multipliedBy(3).toMillis() - (System.currentTimeMillis() - t);
            if (left > 0) {
                pause(Duration.ofMillis(left));
            }
        } finally {
            r.pair.freeze(p, false);
            r.watch.absent(p, false);
        }
        // the resumed node finds its peer active: it must step down, not take the address back
        if (!await(Duration.ofSeconds(15), () -> !active(r, p))) {
            r.watch.violation(Instant.now() + ": sigstop-primary: node" + p + " resumed and is still active ("
                    + r.pair.state(p) + ") 15 s later while node" + s + " is " + r.pair.state(s));
        }
        notes.add("node" + p + " frozen " + (System.currentTimeMillis() - t) + " ms");
        return new Outcome(outage, -1, 0);
    }

    /**
     * The primary's LAN, second link or both cut for three failover timeouts, then healed. With both cut
     * (the primary isolated) the secondary must take over and, with a witness, the isolated primary
     * must step down; with the second link alone cut, heartbeats still arrive on the LAN and nothing may
     * move. With the LAN alone cut, heartbeats still arrive on the second link, but the primary's critical
     * {@code interface.lan} check fails: the pair must move to the node whose LAN works.
     */
    private static Outcome cut(Faults.Run r, List<String> notes, boolean lan, boolean second) throws Exception {
        int p = primary(r);
        int s = 3 - p;
        int moves = r.watch.moves();
        long t = System.currentTimeMillis();
        if (lan) {
            r.lab.link(p, true, false);
        }
        if (second) {
            r.lab.link(p, false, false);
        }
        boolean partition = lan && second && !r.witness();
        if (partition) {
            r.watch.partitioned(true);
        }
        long outage = -1;
        try {
            if (lan && second) {
                outage = takeover(r, s, t, "cut of both links");
                if (r.witness() && !await(Duration.ofSeconds(10), () -> !active(r, p))) {
                    r.watch.violation(Instant.now() + ": node" + p + " lost its peer and the witness but is still "
                            + r.pair.state(p) + " 10 s after the cut");
                }
            }
            long left = TIMEOUT.multipliedBy(3).toMillis() - (System.currentTimeMillis() - t);
            if (left > 0) {
                pause(Duration.ofMillis(left));
            }
        } finally {
            r.lab.link(p, true, true);
            r.lab.link(p, false, true);
            if (partition) {
                r.watch.partitioned(false);
            }
        }
        if (lan && second) {
            return new Outcome(outage, -1, 0);
        }
        if (!lan) {
            return still(r, p, moves, t, "cut of the second link", notes);
        }
        if (r.watch.moves() == moves) {
            r.watch.violation(Instant.now() + ": link-cut-lan: node" + p + "'s LAN was down for "
                    + TIMEOUT.multipliedBy(3).toMillis() + " ms (its critical interface check failing) and the active"
                    + " node did not move");
        }
        return new Outcome(r.pair.vip != null ? r.client.maxGap(t, System.currentTimeMillis()) : -1, -1, 0);
    }

    private static Outcome netem(Faults.Run r, List<String> notes) throws Exception {
        int p = primary(r);
        int moves = r.watch.moves();
        long t = System.currentTimeMillis();
        Process relay = r.lab.impair(p, 30, 200, 200, r.random.nextLong(), netemFor.toSeconds() + 30,
                r.dir.resolve("impair.out"));
        try {
            pause(netemFor);
        } finally {
            r.lab.unimpair(p, relay);
        }
        notes.add("30% loss and 200 ms jitter on node" + p + "'s LAN for " + netemFor.toSeconds() + " s");
        Outcome o = still(r, p, moves, t, "netem-loss-jitter", notes);
        // the client's own polls cross the impaired port: what it saw is the network's loss, not an outage
        return new Outcome(-1, o.pairMs(), o.spurious());
    }

    /** Both nodes stopped (SIGTERM, as systemd does) and started again at the same instant. */
    private static Outcome bootTogether(Faults.Run r, List<String> notes) throws Exception {
        primary(r);
        for (int n = 1; n <= 2; n++) {
            r.watch.absent(n, true);
            r.pair.process(n).destroy();
        }
        for (int n = 1; n <= 2; n++) {
            if (!r.pair.process(n).waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                r.watch.violation(Instant.now() + ": boot-together: node" + n + " did not exit within 30 s of SIGTERM");
                r.pair.process(n).destroyForcibly().waitFor();
            }
        }
        for (int n = 1; n <= 2; n++) {
            if (r.pair.app(n).isPresent()) {
                r.watch.violation(Instant.now() + ": node" + n + " stopped (SIGTERM) but left its application running");
            }
        }
        long t = System.currentTimeMillis();
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> start(r, 1));
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> start(r, 2));
        CompletableFuture.allOf(a, b).join();
        r.watch.absent(1, false);
        r.watch.absent(2, false);
        if (!await(Duration.ofSeconds(60), () -> r.pair.formed() != 0)) {
            return new Outcome(-1, -1, 0);
        }
        return new Outcome(-1, System.currentTimeMillis() - t, 0);
    }

    private static void start(Faults.Run r, int n) {
        try {
            r.pair.start(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Both nodes told to stop at the same instant; every stop accepted must end with the services stopped. */
    private static Outcome stopTogether(Faults.Run r, List<String> notes) throws Exception {
        primary(r);
        CompletableFuture<Optional<JsonNode>> a = CompletableFuture.supplyAsync(() -> r.pair.command(1, "stop"));
        CompletableFuture<Optional<JsonNode>> b = CompletableFuture.supplyAsync(() -> r.pair.command(2, "stop"));
        List<Optional<JsonNode>> answers = List.of(a.join(), b.join());
        for (int n = 1; n <= 2; n++) {
            Optional<JsonNode> ans = answers.get(n - 1);
            int node = n;
            boolean accepted = ans.map(j -> j.path("httpStatus").asInt() == 200).orElse(false);
            notes.add("stop on node" + n + ": " + ans.map(JsonNode::toString).orElse("no answer"));
            if (accepted && !await(Duration.ofSeconds(20),
                    () -> r.pair.state(node).startsWith("STOP ") && r.pair.app(node).isEmpty())) {
                r.watch.violation(Instant.now() + ": stop-together: node" + n + " accepted the stop but is "
                        + r.pair.state(n) + (r.pair.app(n).isPresent() ? " with its application running" : "")
                        + " 20 s later");
            }
        }
        long t = System.currentTimeMillis();
        CompletableFuture<Optional<JsonNode>> c = CompletableFuture.supplyAsync(() -> r.pair.command(1, "start"));
        CompletableFuture<Optional<JsonNode>> d = CompletableFuture.supplyAsync(() -> r.pair.command(2, "start"));
        notes.add("start: " + c.join().map(JsonNode::toString).orElse("no answer") + " / "
                + d.join().map(JsonNode::toString).orElse("no answer"));
        if (!await(Duration.ofSeconds(60), () -> r.pair.formed() != 0)) {
            return new Outcome(-1, -1, 0);
        }
        return new Outcome(-1, System.currentTimeMillis() - t, 0);
    }

    /**
     * A large file appears on the primary; while the secondary receives it (Tandem's temporary file is
     * there), the secondary is restarted (SIGTERM, then started again). No partial file may ever be
     * visible, and the file must arrive whole after the restart.
     */
    private static Outcome restartMidSync(Faults.Run r, List<String> notes) throws Exception {
        int p = primary(r);
        int s = 3 - p;
        int moves = r.watch.moves();
        long t = System.currentTimeMillis();
        String name = "big" + Long.toString(r.random.nextLong() & 0xffffff, 36) + ".dat";
        byte[] body = Ledger.content(name, 1, (24 + r.random.nextInt(16)) << 20);
        Path tmp = r.pair.scratch(p).resolve(name);
        Files.write(tmp, body);
        Files.move(tmp, r.pair.data(p).resolve(name), StandardCopyOption.ATOMIC_MOVE);
        boolean receiving = await(Duration.ofSeconds(20), () -> receiving(r.pair.data(s)));
        notes.add(receiving ? "restarted while receiving " + (body.length >> 20) + " MiB"
                : "the transfer was not caught in flight; restarted anyway");
        r.watch.absent(s, true);
        r.pair.process(s).destroy();
        if (!r.pair.process(s).waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            r.watch.violation(Instant.now() + ": restart-mid-sync: node" + s + " did not exit within 30 s of SIGTERM");
            r.pair.process(s).destroyForcibly().waitFor();
        }
        r.pair.start(s);
        r.watch.absent(s, false);
        if (!await(Duration.ofSeconds(60), () -> r.pair.formed() != 0 && Files.exists(r.pair.data(s).resolve(name)))) {
            r.watch.violation(Instant.now() + ": restart-mid-sync: " + name + " did not reach node" + s
                    + " within 60 s of its restart (" + r.pair.state(s) + ")");
        } else {
            byte[] got = Files.readAllBytes(r.pair.data(s).resolve(name));
            if (Ledger.version(name, got) != 1) {
                r.watch.violation(Instant.now() + ": restart-mid-sync: " + name + " on node" + s + " is not whole");
            }
        }
        // the big file goes again (strict folder: the standby deletes it too)
        Files.deleteIfExists(r.pair.data(p).resolve(name));
        return still(r, p, moves, t, "restart-mid-sync", notes);
    }

    /**
     * The standby's data volume fills up (a ballast file beside its folder) while a large file and the
     * writer's changes are to be copied: the copy fails, no partial file may be visible, the primary
     * stays; once the space is back (the ballast removed) the standby catches up.
     */
    private static Outcome diskFull(Faults.Run r, List<String> notes) throws Exception {
        int p = primary(r);
        int s = 3 - p;
        int moves = r.watch.moves();
        long t = System.currentTimeMillis();
        Path ballast = r.pair.volume(s).resolve("ballast");
        long free = Files.getFileStore(r.pair.volume(s)).getUsableSpace();
        byte[] chunk = new byte[1 << 20];
        long filled = 0;
        try (var out = Files.newOutputStream(ballast)) {
            while (filled < free - (256 << 10)) {
                int n = (int) Math.min(chunk.length, free - (256 << 10) - filled);
                out.write(chunk, 0, n);
                filled += n;
            }
        }
        String name = "big" + Long.toString(r.random.nextLong() & 0xffffff, 36) + ".dat";
        byte[] body = Ledger.content(name, 1, (2 + r.random.nextInt(4)) << 20);
        Path tmp = r.pair.scratch(p).resolve(name);
        Files.write(tmp, body);
        Files.move(tmp, r.pair.data(p).resolve(name), StandardCopyOption.ATOMIC_MOVE);
        try {
            pause(TIMEOUT.multipliedBy(5));
            notes.add("node" + s + "'s volume full (" + (filled >> 20) + " MiB ballast, " + (body.length >> 20)
                    + " MiB to copy): node" + s + " " + r.pair.state(s));
        } finally {
            Files.deleteIfExists(ballast);
        }
        if (!await(Duration.ofSeconds(60), () -> Files.exists(r.pair.data(s).resolve(name)))) {
            r.watch.violation(Instant.now() + ": disk-full-standby: " + name + " did not reach node" + s
                    + " within 60 s of the space coming back (" + r.pair.state(s) + ")");
        }
        Files.deleteIfExists(r.pair.data(p).resolve(name));
        return still(r, p, moves, t, "disk-full-standby", notes);
    }

    private static boolean receiving(Path folder) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder, ".tandem-sync-*")) {
            return ds.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * One node's wall clock steps by {@code seconds} (libfaketime), stays there for five failover
     * timeouts, and steps back. Heartbeats keep arriving: nothing may move.
     */
    private static Outcome clock(Faults.Run r, List<String> notes, long seconds) throws Exception {
        int p = primary(r);
        int n = r.random.nextBoolean() ? p : 3 - p;
        int moves = r.watch.moves();
        long t = System.currentTimeMillis();
        r.pair.clockOffset(n, seconds);
        try {
            // libfaketime re-reads its file at most a second later
            pause(Duration.ofSeconds(1).plus(TIMEOUT.multipliedBy(5)));
        } finally {
            r.pair.clockOffset(n, 0);
        }
        pause(Duration.ofSeconds(1).plus(TIMEOUT.multipliedBy(2)));
        notes.add("node" + n + (n == p ? " (primary)" : " (secondary)") + " clock stepped " + (seconds > 0 ? "+" : "")
                + seconds + " s and back");
        return still(r, p, moves, t, "clock step", notes);
    }
}
