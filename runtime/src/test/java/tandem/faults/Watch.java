package tandem.faults;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The checker that runs all the time, not only at the end of a trial: every 100 ms it samples both
 * nodes (state through the API, the virtual IP on their LAN device, their application's process),
 * lets the writer write one version on the node the client is served by, scans both folders, and
 * checks the continuous invariants:
 * <ul>
 * <li>never both nodes' applications running, nor both holding the virtual IP, for longer than
 * {@link #SETTLE} while both Tandems are alive and answering (a killed or frozen node cannot release
 * what it holds until it runs again) and can hear each other (not during a partition without a
 * witness, where both go on alone by design);</li>
 * <li>the client never answered by a node that has not been active for longer than {@link #SETTLE}
 * while the other has been active for longer than that;</li>
 * <li>the ledger's: no partial file visible, nothing replicated or made durable lost from the active.</li>
 * </ul>
 * It also counts changes of the active node (a failover), which a fault that must not cause one
 * turns into spurious failovers.
 */
final class Watch implements AutoCloseable {
    /** How long two holders are tolerated after a move: the probe, the gratuitous ARP, a stop's timeout. */
    static final long SETTLE = 3_000;

    record Sample(long at, String s1, String s2, boolean vip1, boolean vip2, boolean app1, boolean app2) {
        int active() {
            boolean a = isActive(s1);
            boolean b = isActive(s2);
            return a && !b ? 1 : b && !a ? 2 : 0;
        }
    }

    static boolean isActive(String state) {
        return state.startsWith("PRIM ") || state.startsWith("ALONE ");
    }

    private final Pair pair;
    private final Client client;
    private final Ledger ledger;
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final List<Integer> moves = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    /** Nodes whose process is dead or frozen on purpose: what they hold cannot be released. */
    private final boolean[] absent = new boolean[3];
    private volatile boolean writing = true;
    private boolean partitioned;
    private final Thread thread;
    private long bothVip = -1;
    private long bothApp = -1;

    Watch(Pair pair, Client client, Ledger ledger) {
        this.pair = pair;
        this.client = client;
        this.ledger = ledger;
        this.thread = new Thread(this::loop, "fault watch");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Marks node as killed or frozen (true) or running again (false). */
    synchronized void absent(int node, boolean gone) {
        absent[node] = gone;
        if (!gone) {
            // a node that returns gets SETTLE to release what it held
            bothVip = -1;
            bothApp = -1;
        }
    }

    /**
     * A partition without a witness, on or healed: while it lasts both nodes may be active by design
     * (a silent peer is gone: the mirror-cluster default), so the two-holders checks pause; after the
     * heal they count again from the heal, so the pair must settle within {@link #SETTLE}.
     */
    synchronized void partitioned(boolean on) {
        partitioned = on;
        bothVip = -1;
        bothApp = -1;
    }

    void writing(boolean on) {
        writing = on;
    }

    void violation(String v) {
        if (violations.size() < 200) {
            violations.add(v);
        }
    }

    /** Violations seen since {@code from} (an index into the list) */
    List<String> violationsSince(int from) {
        return new ArrayList<>(violations.subList(Math.min(from, violations.size()), violations.size()));
    }

    int violationCount() {
        return violations.size();
    }

    /** Changes of the active node seen so far (the new active's number). */
    int moves() {
        return moves.size();
    }

    Optional<Sample> last() {
        return samples.isEmpty() ? Optional.empty() : Optional.of(samples.get(samples.size() - 1));
    }

    /** The first sample at or after {@code t} with {@code node} active, if any. */
    Optional<Sample> firstActive(int node, long t) {
        return samples.stream().filter(s -> s.at() >= t && s.active() == node).findFirst();
    }

    private void loop() {
        int active = 0;
        long ticks = 0;
        while (running.get()) {
            long t0 = System.currentTimeMillis();
            Sample s = new Sample(t0, pair.state(1), pair.state(2), pair.vip != null && pair.lab.holds(pair.lab.node1, pair.vip),
                    pair.vip != null && pair.lab.holds(pair.lab.node2, pair.vip), pair.app(1).isPresent(), pair.app(2).isPresent());
            samples.add(s);
            if (samples.size() > 20_000) {
                samples.subList(0, 10_000).clear();
            }
            check(s);
            int now = s.active();
            if (now != 0 && now != active) {
                if (active != 0) {
                    moves.add(now);
                }
                ledger.takeover(active, now, Instant.ofEpochMilli(t0) + " takeover by node" + now);
                active = now;
            }
            if (writing && now != 0 && now == active && ticks % 2 == 0) {
                ledger.write(now);
            }
            ledger.check(active == now ? active : 0, Instant.ofEpochMilli(t0).toString());
            ticks++;
            long left = 100 - (System.currentTimeMillis() - t0);
            if (left > 0) {
                LockSupport.parkNanos(left * 1_000_000L);
            }
        }
    }

    private synchronized void check(Sample s) {
        boolean bothHere = !partitioned && !absent[1] && !absent[2] && !s.s1().equals("down")
                && !s.s2().equals("down");
        String when = Instant.ofEpochMilli(s.at()).toString();
        if (bothHere && s.vip1() && s.vip2()) {
            if (bothVip < 0) {
                bothVip = s.at();
            } else if (s.at() - bothVip > SETTLE) {
                violation(when + ": both nodes hold the virtual IP for " + (s.at() - bothVip) + " ms (" + s.s1() + " / "
                        + s.s2() + ")");
                bothVip = s.at();
            }
        } else {
            bothVip = -1;
        }
        if (bothHere && s.app1() && s.app2()) {
            if (bothApp < 0) {
                bothApp = s.at();
            } else if (s.at() - bothApp > SETTLE) {
                violation(when + ": the application runs on both nodes for " + (s.at() - bothApp) + " ms (" + s.s1()
                        + " / " + s.s2() + ")");
                bothApp = s.at();
            }
        } else {
            bothApp = -1;
        }
        if (pair.vip != null) {
            // the client's answers of the last tick: from a node that is not active while the other has been
            for (Client.Poll p : client.since(s.at() - 100)) {
                if (!p.answered() || p.end() > s.at()) {
                    continue;
                }
                int by = p.answer().equals("node1") ? 1 : p.answer().equals("node2") ? 2 : 0;
                int other = 3 - by;
                if (by == 0) {
                    continue;
                }
                History mine = history(by, p.start());
                long otherSince = history(other, p.start()).activeSince();
                // a node that just stepped down (a split brain's loser) gets SETTLE to release the address
                if (otherSince >= 0 && p.start() - otherSince > SETTLE && !isActive(mine.state())
                        && p.start() - mine.lastActive() > SETTLE) {
                    violation(Instant.ofEpochMilli(p.start()) + ": the client was answered by node" + by
                            + " on the virtual IP while node" + other + " had been active for " + (p.start() - otherSince)
                            + " ms");
                }
            }
        }
    }

    /**
     * What the samples up to {@code t} say of node: its last state ("down" before any), since when it has
     * been active without a break (-1 when it is not), and when it was last active (0: never).
     */
    private record History(String state, long activeSince, long lastActive) {
    }

    private History history(int node, long t) {
        String st = "down";
        long since = -1;
        long last = 0;
        for (Sample x : samples) {
            if (x.at() > t) {
                break;
            }
            st = node == 1 ? x.s1() : x.s2();
            if (isActive(st)) {
                since = since < 0 ? x.at() : since;
                last = x.at();
            } else {
                since = -1;
            }
        }
        return new History(st, since, last);
    }

    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
