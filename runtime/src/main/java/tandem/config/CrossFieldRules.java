package tandem.config;

import static tandem.config.ValueReader.quote;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The rules of a node file that span fields, checked by name (MS-3's detection budget, ports that
 * would clash at start, folders that would replicate Tandem's own state, names used twice). Each
 * reports into {@link Problems} at the line of the field to change, like the values' checks.
 */
final class CrossFieldRules {
    private final Problems problems;
    private final YamlTree tree;

    CrossFieldRules(Problems problems, YamlTree tree) {
        this.problems = problems;
        this.tree = tree;
    }

    /**
     * MS-3: a resource must be able to fail over within the failover timeout, and one lost heartbeat
     * must not fail the node over.
     */
    void checkTimings(Section s, Timings t) {
        // MS-3: a resource must be able to count as down (fall consecutive failures) before the
        // failover timeout expires, or the timeout can never be met
        Duration detection = t.checkInterval().multipliedBy(t.fall());
        if (detection.compareTo(t.failoverTimeout()) >= 0) {
            problems.add(s.firstLine("check-interval", "fall", "failover-timeout"), s.path,
                    "check-interval x fall (" + Durations.format(t.checkInterval()) + " x " + t.fall() + " = "
                            + Durations.format(detection) + ") must be below failover-timeout ("
                            + Durations.format(t.failoverTimeout()) + ")");
        }
        // with fewer than two heartbeats per timeout, a single lost heartbeat fails the node over
        Duration twoBeats = t.heartbeatInterval().multipliedBy(2);
        if (twoBeats.compareTo(t.failoverTimeout()) > 0) {
            problems.add(s.firstLine("heartbeat-interval", "failover-timeout"), s.path,
                    "heartbeat-interval x 2 (" + Durations.format(t.heartbeatInterval()) + " x 2 = "
                            + Durations.format(twoBeats) + ") must not exceed failover-timeout ("
                            + Durations.format(t.failoverTimeout()) + "), or one lost heartbeat fails the node over");
        }
    }

    /** The same MS-3 budget as timings, for a critical checker that runs at its own pace. */
    void checkCriticalCheckerInterval(Section s, Duration interval, int fall, Duration failoverTimeout) {
        Duration detection = interval.multipliedBy(fall);
        if (detection.compareTo(failoverTimeout) >= 0) {
            problems.add(s.line("interval"), s.child("interval"),
                    "interval x timings.fall (" + Durations.format(interval) + " x " + fall + " = "
                            + Durations.format(detection) + ") must be below timings.failover-timeout ("
                            + Durations.format(failoverTimeout) + ") for a critical checker");
        }
    }

    /**
     * The sync channel's port is not one this node already listens on: listen.port, the second link's
     * listen.port + 1, or console.port (same address or a wildcard).
     */
    void checkSyncPortIsFree(Section s, Endpoint listen, Peer peer, Console console, Replication r) {
        int sync = r.port().orElse(listen.port() + 2);
        String what = null;
        if (sync == listen.port()) {
            what = "listen.port";
        } else if (peer != null && peer.secondLink().isPresent() && sync == listen.port() + 1) {
            what = "the second link's port (listen.port + 1)";
        } else if (console != null && console.enabled() && sync == console.port()
                && (listen.address().equalsIgnoreCase(console.address()) || Addresses.isWildcard(listen.address())
                        || Addresses.isWildcard(console.address()))) {
            what = "console.port";
        }
        if (what == null) {
            return;
        }
        String msg = "the sync channel's port " + sync + " is also " + what + "; set replication.port to a free port";
        problems.add(s.line("port"), s.child("port"), msg);
    }

    /**
     * console.hawtio-port is neither console.port (Hawtio binds the console's address) nor listen.port when
     * the link shares the address: the second bind would fail at start. Reported at hawtio-port, the field
     * that came last. Hawtio runs even with console.enabled false (its own server), so that is not asked.
     */
    void checkHawtioPortIsFree(Section consoleSection, Endpoint listen, Console console) {
        if (console.hawtioPort().isEmpty()) {
            return;
        }
        int hawtio = console.hawtioPort().get();
        String msg = null;
        if (console.enabled() && hawtio == console.port()) {
            msg = "must differ from console.port (" + console.port() + "): Hawtio binds the console's address ("
                    + console.address() + ")";
        } else if (hawtio == listen.port() && (listen.address().equalsIgnoreCase(console.address())
                || Addresses.isWildcard(listen.address()) || Addresses.isWildcard(console.address()))) {
            msg = "must differ from listen.port (" + listen.port() + ") when they share an address (listen binds "
                    + listen.address() + ", Hawtio binds console.address " + console.address() + ")";
        }
        if (msg != null) {
            problems.add(consoleSection.line("hawtio-port"), consoleSection.child("hawtio-port"), msg);
        }
    }

    /**
     * A replicated folder (or its target) must neither hold nor lie inside node.state-dir: the node's
     * own state would be replicated, and strict sync on the standby would delete it.
     */
    void checkFoldersLeaveTheStateDirAlone(Section s, Node node, Replication r) {
        Path state = node.stateDir().toAbsolutePath().normalize();
        for (int i = 0; i < r.folders().size(); i++) {
            Folder f = r.folders().get(i);
            for (Path p : List.of(f.path(), f.standbyPath())) {
                Path n = p.toAbsolutePath().normalize();
                if (state.startsWith(n) || n.startsWith(state)) {
                    String key = "folders[" + i + "]." + (p == f.path() ? "path" : "target");
                    problems.add(s.line(key), s.child(key), (state.startsWith(n) ? "holds" : "lies inside")
                            + " node.state-dir (" + state + "); replicate the application's data, not Tandem's state");
                    break;
                }
            }
        }
        for (int i = 0; i < r.allowedRoots().size(); i++) {
            // one that holds the state dir is fine (the standby refuses a target that holds or lies in it)
            if (r.allowedRoots().get(i).toAbsolutePath().normalize().startsWith(state)) {
                String key = "allowed-roots[" + i + "]";
                problems.add(s.line(key), s.child(key), "lies inside node.state-dir (" + state + "); the standby"
                        + " never writes there");
            }
        }
    }

    /** listen.port != console.port when they share an address: the second bind would fail at start. */
    void checkConsoleDoesNotShareListenPort(Section listenSection, Endpoint listen, Section consoleSection,
            Console console) {
        boolean shared = listen.address().equalsIgnoreCase(console.address())
                || Addresses.isWildcard(listen.address()) || Addresses.isWildcard(console.address());
        if (!console.enabled() || listen.port() != console.port() || !shared) {
            return;
        }
        String where = listen.address().equalsIgnoreCase(console.address())
                ? "both bind " + listen.address()
                : "listen binds " + listen.address() + " and console binds " + console.address();
        if (listenSection.has("port")) {
            problems.add(listenSection.line("port"), listenSection.child("port"),
                    "must differ from console.port (" + console.port() + ") when they share an address (" + where + ")");
        } else {
            problems.add(consoleSection.line("port"), consoleSection.child("port"),
                    "must differ from listen.port (" + listen.port() + ") when they share an address (" + where + ")");
        }
    }

    /**
     * RED-5: a transfer must never overlap the creation of a backup, so no scheduled run may fall
     * inside the appliance's own daily backup window. Reported at {@code redundancy.schedule}, with the
     * first run that would.
     */
    void checkScheduleMissesBackupWindow(Section schedule, Redundancy.Timer timer, Redundancy.Window window) {
        tandem.redundancy.Schedule.of(timer).collides(window).ifPresent(why -> problems.add(schedule.line(),
                schedule.path, why + "; move start-time or backup.window (RED-5: a transfer must not overlap the"
                        + " creation of a backup)"));
    }

    /** Reports {@code key} of {@code s} when {@code value} was seen before in this list. */
    void unique(Map<String, String> seen, String value, Section s, String key, String what) {
        String first = seen.putIfAbsent(value, s.path);
        if (first != null) {
            problems.add(s.line(key), s.child(key), "duplicate " + what + " " + quote(value) + "; " + first
                    + " (line " + tree.line(first + "." + key) + ") already uses it");
        }
    }
}
