package tandem.faults;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;

/**
 * The fault-injection suite's runner ({@code bench/faults}): builds a {@link FaultLab}, starts a
 * {@link Pair} of the profile, the {@link Client}, the {@link Ledger}'s writer and the {@link Watch},
 * and runs trials of faults from the {@link Fault} catalogue on it, one after the other, each ending
 * with the pair formed again. Every trial is appended to the results file.
 *
 * <pre>
 * Faults [--fault NAME[,NAME...]] [--profile ms-failover|sbs] [--trials N] [--seed S] [--quick]
 *        [--soak MINUTES] [--results FILE] [--work DIR] [--report]
 * </pre>
 */
public final class Faults {
    private Faults() {
    }

    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    static String classPath() {
        return System.getProperty("java.class.path");
    }

    static Path home() {
        return Path.of(System.getProperty("tandem.home", "..")).toAbsolutePath().normalize();
    }

    /** Awaits {@code done}, asking every 100 ms, at most {@code limit}; false when it never came. */
    static boolean await(Duration limit, BooleanSupplier done) {
        long end = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            LockSupport.parkNanos(100_000_000L);
        }
        return true;
    }

    static void pause(Duration d) {
        LockSupport.parkNanos(d.toNanos());
    }

    /** One run: a lab, a pair of {@code profile}, and the trials asked for, in order. */
    static final class Run implements AutoCloseable {
        final String profile;
        final long seed;
        final Random random;
        final Path dir;
        final FaultLab lab;
        final Pair pair;
        final Client client = new Client();
        final Ledger ledger;
        final Watch watch;
        private final boolean witness;

        Run(String profile, String labKind, long seed, Path dir, int octet) {
            boolean witness = !labKind.equals("no-witness");
            this.profile = profile;
            this.witness = witness;
            this.seed = seed;
            this.random = new Random(seed);
            this.dir = dir;
            this.lab = new FaultLab(octet);
            this.pair = new Pair(lab, profile, dir, witness, labKind.equals("clock"), labKind.equals("disk"));
            this.ledger = new Ledger(pair, seed, this::violation);
            this.watch = new Watch(pair, client, ledger);
        }

        /** Builds the lab, starts both nodes and the client, and awaits the first formed pair. */
        void up() throws IOException {
            lab.build();
            pair.write();
            pair.start(1);
            pair.start(2);
            if (pair.vip != null) {
                client.start(lab, pair.vip, 7200);
            }
            if (!await(Duration.ofSeconds(120), () -> pair.formed() != 0)) {
                throw new IOException("no formed pair within 120 s of the start: node1 " + pair.state(1) + ", node2 "
                        + pair.state(2) + "; logs in " + dir);
            }
            watch.start();
        }

        void violation(String v) {
            watch.violation(v);
        }

        /** The pair has a witness (never for sbs, which has none). */
        boolean witness() {
            return witness && !profile.equals("sbs");
        }

        /** Runs one trial of {@code fault} and returns what was seen. */
        Trial trial(Fault fault, long trialSeed) {
            String at = Instant.now().toString();
            int before = watch.violationCount();
            long lostBefore = ledger.lostInWindow();
            List<String> notes = new ArrayList<>();
            Fault.Outcome o;
            try {
                o = fault.run(this, notes);
            } catch (Exception e) {
                watch.violation("the trial failed: " + e);
                o = new Fault.Outcome(-1, -1, 0);
            }
            // every trial ends with the pair formed and the data the same on both nodes; a node that
            // stopped after handing over because of a failure waits for an operator's start
            long healed = System.currentTimeMillis();
            for (int n = 1; n <= 2; n++) {
                int node = n;
                if (await(Duration.ofSeconds(3), () -> pair.formed() != 0 || pair.state(node).startsWith("STOP "))
                        && pair.state(node).startsWith("STOP ")) {
                    notes.add("node" + node + " stopped after handing over; operator start: "
                            + pair.command(node, "start").map(Object::toString).orElse("no answer"));
                }
            }
            if (!await(Duration.ofSeconds(60), () -> pair.formed() != 0)) {
                watch.violation(Instant.now() + ": no formed pair within 60 s after the heal (node1 " + pair.state(1)
                        + ", node2 " + pair.state(2) + ")");
                restartBoth(notes);
            }
            long pairMs = o.pairMs() >= 0 ? o.pairMs() : System.currentTimeMillis() - healed;
            settled(notes);
            List<String> v = watch.violationsSince(before);
            long lost = ledger.lostInWindow() - lostBefore;
            if (lost > 0) {
                notes.add(lost + " file version(s) made durable on the old active but not yet replicated were lost"
                        + " (the asynchronous window)");
            }
            return new Trial(fault.name(), profile, trialSeed, at, o.outageMs(), pairMs, o.spurious(), v, notes);
        }

        /** The settled pair's invariants: one application, on the primary; the VIP only there; the same data. */
        void settled(List<String> notes) {
            int prim = pair.formed();
            if (prim == 0) {
                return;
            }
            int sec = 3 - prim;
            boolean oneApp = await(Duration.ofSeconds(Watch.SETTLE / 1000 + 5),
                    () -> pair.app(prim).isPresent() && pair.app(sec).isEmpty());
            if (!oneApp) {
                watch.violation(Instant.now() + ": settled pair (node" + prim + " PRIM) but the application runs on "
                        + (pair.app(prim).isPresent() ? "node" + prim : "") + (pair.app(sec).isPresent() ? " node" + sec : "")
                        + (pair.app(prim).isEmpty() && pair.app(sec).isEmpty() ? "neither node" : ""));
            }
            if (pair.vip != null) {
                boolean vipOk = await(Duration.ofSeconds(Watch.SETTLE / 1000 + 5),
                        () -> lab.holds(lab.ns(prim), pair.vip) && !lab.holds(lab.ns(sec), pair.vip));
                if (!vipOk) {
                    watch.violation(Instant.now() + ": settled pair (node" + prim + " PRIM) but the virtual IP is on "
                            + (lab.holds(lab.ns(prim), pair.vip) ? "node" + prim + " " : "")
                            + (lab.holds(lab.ns(sec), pair.vip) ? "node" + sec : "") );
                }
                long since = System.currentTimeMillis();
                boolean served = vipOk && await(Duration.ofSeconds(Watch.SETTLE / 1000 + 5),
                        () -> client.first("node" + prim, since).isPresent());
                if (vipOk && !served) {
                    watch.violation(Instant.now() + ": settled pair (node" + prim + " PRIM, holding the virtual IP alone)"
                            + " but the client is not served by it within " + (Watch.SETTLE / 1000 + 5) + " s; "
                            + lab.neighbours(pair.vip));
                }
            }
            // the writer pauses so the standby can catch up; both uptodate, trees identical
            watch.writing(false);
            try {
                boolean same = await(Duration.ofSeconds(30),
                        () -> pair.formed() != 0 && ledger.differences().isEmpty());
                if (!same) {
                    List<String> diff = ledger.differences();
                    watch.violation(Instant.now() + ": the folders differ after the heal (" + diff.size() + " files, e.g. "
                            + diff.subList(0, Math.min(3, diff.size())) + "); node1 " + pair.state(1) + ", node2 "
                            + pair.state(2));
                }
            } finally {
                watch.writing(true);
            }
        }

        /** A pair that did not form: both nodes restarted (noted), so the next trial starts clean. */
        void restartBoth(List<String> notes) {
            notes.add("both nodes restarted after the trial: no formed pair");
            try {
                for (int n = 1; n <= 2; n++) {
                    if (pair.alive(n)) {
                        pair.process(n).destroy();
                        if (!pair.process(n).waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                            notes.add("node" + n + " did not exit within 30 s of SIGTERM: killed");
                            pair.process(n).destroyForcibly().waitFor();
                        }
                    }
                }
                pair.start(1);
                pair.start(2);
                await(Duration.ofSeconds(90), () -> pair.formed() != 0);
            } catch (IOException e) {
                notes.add("restart failed: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            watch.close();
            client.stop();
            pair.close();
            lab.close();
        }
    }

    public static void main(String[] args) throws Exception {
        System.exit(Bench.main(args, System.out, System.err));
    }

    /** The trials of the results file as one table per fault and profile. */
    static String table(List<Trial> trials) {
        Map<String, List<Trial>> by = new LinkedHashMap<>();
        for (Trial t : trials) {
            by.computeIfAbsent(t.profile() + " " + t.fault(), k -> new ArrayList<>()).add(t);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-12s %-24s %6s %8s %8s %8s %10s %9s %9s%n", "profile", "fault", "trials", "out-min",
                "out-med", "out-max", "violations", "spurious", "pair-med"));
        for (var e : by.entrySet()) {
            List<Trial> ts = e.getValue();
            long[] out = ts.stream().mapToLong(Trial::outageMs).filter(x -> x >= 0).sorted().toArray();
            long[] pair = ts.stream().mapToLong(Trial::pairMs).filter(x -> x >= 0).sorted().toArray();
            long viol = ts.stream().mapToLong(t -> t.violations().size()).sum();
            long spur = ts.stream().mapToLong(Trial::spurious).sum();
            sb.append(String.format("%-12s %-24s %6d %8s %8s %8s %10d %9d %9s%n", ts.get(0).profile(), ts.get(0).fault(),
                    ts.size(), out.length == 0 ? "-" : out[0], out.length == 0 ? "-" : out[out.length / 2],
                    out.length == 0 ? "-" : out[out.length - 1], viol, spur, pair.length == 0 ? "-" : pair[pair.length / 2]));
        }
        return sb.toString();
    }
}
