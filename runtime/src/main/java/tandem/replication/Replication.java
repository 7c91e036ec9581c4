package tandem.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.AtomicFiles;
import tandem.os.Commands;
import tandem.config.Folder;
import tandem.config.NodeConfig;
import tandem.engine.ActionPort.ActionRequest;
import tandem.engine.NodeStatus;
import tandem.facts.ActionResult;
import tandem.facts.NodeState;
import tandem.facts.SyncDue;

/**
 * Replication on one node (MS-4, SBS-4 to SBS-7; DESIGN.md "Replication"): the sync channel's
 * server, used while this node is active, and the pull cycles it runs while it is the standby.
 * Observe, decide, act: the replication timer and the active node's notices are observations
 * ({@link SyncDue}); the rules decide when a cycle runs and what its outcome means for the data
 * state; the routes of the actions {@code resync}, {@code sync} and {@code final-sync} call this
 * class, the {@code replication} bean.
 *
 * <ul>
 *   <li>{@link #resync}: a full comparison; the rules call the node uptodate when it succeeds.</li>
 *   <li>{@link #sync}: what is due: a full comparison when the timer asked for one, else the paths
 *       the active node reported changed since the last cycle.</li>
 *   <li>{@link #finalSync} (on the active node, before its services stop on an operator stop,
 *       SBS-4): asks the standby for a last full cycle and waits until it reports the end of one.</li>
 * </ul>
 */
public final class Replication {
    private static final Logger LOG = LoggerFactory.getLogger(Replication.class);

    private final NodeConfig config;
    private final Supplier<NodeStatus> status;
    private final Consumer<Object> observe;
    private final Consumer<ObjectNode> notify;
    private final Clock clock;
    private final SyncServer server;
    private final SyncClient client;
    private final Duration finalWait;

    // what is due, filled by notices and the timer, drained by a cycle; guarded by this
    private boolean fullDue;
    private final Map<String, Set<String>> changed = new LinkedHashMap<>();
    private volatile CycleReport last;
    private final java.util.concurrent.atomic.LongAdder copiedBytes = new java.util.concurrent.atomic.LongAdder();

    /** Bytes the cycles copied to this node since it started (the metrics). */
    public long copiedBytes() {
        return copiedBytes.sum();
    }
    private volatile String lastError;
    private volatile long lastAt = -1;
    private volatile boolean ownListNoted;

    /**
     * @param status    the engine's latest status (state decides serving and writing)
     * @param observe   hands an observation to the engine's queue
     * @param notify    sends a notice to the peer over the peer link
     * @param transport the standby's way to the active node's sync channel
     */
    public Replication(NodeConfig config, Supplier<NodeStatus> status, Consumer<Object> observe,
            Consumer<ObjectNode> notify, SyncTransport transport, Commands commands, Clock clock) {
        this.config = config;
        this.status = status;
        this.observe = observe;
        this.notify = notify;
        this.clock = clock;
        Path cacheDir = config.node().stateDir().resolve("sync");
        String peer = config.peer().id();
        this.server = new SyncServer(peer, config.replication().folders(), cacheDir.resolve("served"), this::active,
                clock, () -> config.replication().preSync().map(line -> (SyncServer.Hook) () -> hook(commands, line))
                        .orElse(null));
        this.client = new SyncClient(config.node().id(), transport, cacheDir.resolve("kept"),
                AllowedTargets.of(config.replication()), this::standby, clock);
        this.finalWait = Duration.ofMinutes(10);
        this.reportedFile = cacheDir.resolve("peer-services");
        this.reported = loadReported(reportedFile);
        client.onServices(this::reported);
        server.updateScripts(f -> updateScript(commands, f));
    }

    /**
     * Runs a folder's update script (SBS-4) with the folder's path as {@code $1}: the safe relative
     * paths it printed (absolute ones inside the folder are made relative; others are skipped with a
     * warning), or empty when it failed, so the standby compares the whole folder.
     */
    static Optional<List<String>> updateScript(Commands commands, Folder f) {
        String script = f.updateScript().orElseThrow();
        List<String> argv = tandem.os.Os.windows() ? List.of("cmd", "/c", script + " \"" + f.path() + "\"")
                : List.of("sh", "-c", script, "tandem-update-script", f.path().toString());
        Commands.Result r = commands.run(argv, Duration.ofMinutes(10));
        if (!r.ok()) {
            LOG.warn("update script of {} failed ({}: {}); the standby compares the whole folder", f.path(),
                    r.timedOut() ? "did not finish within 10 min" : "exit code " + r.exitCode(), r.firstLine(200));
            return Optional.empty();
        }
        List<String> out = new ArrayList<>();
        int skipped = 0;
        for (String line : r.stdout().split("\\R")) {
            String p = line.strip();
            if (p.isEmpty()) {
                continue;
            }
            if (p.startsWith("/") || p.matches("^[A-Za-z]:[\\\\/].*")) {
                Path abs = Path.of(p).normalize();
                if (!abs.startsWith(f.path())) {
                    skipped++;
                    continue;
                }
                p = f.path().relativize(abs).toString();
            }
            p = p.replace('\\', '/');
            if (!tandem.sync.SafePaths.isSafe(p)) {
                skipped++;
                continue;
            }
            out.add(p);
        }
        if (skipped > 0) {
            LOG.warn("update script of {} printed {} paths outside the folder or not replicable; skipped", f.path(),
                    skipped);
        }
        return Optional.of(out);
    }

    private final Path reportedFile;
    private volatile Optional<List<String>> reported;

    /**
     * The services the active peer ran at the last cycle (SBS-2: a takeover starts the same), empty when
     * it never said. Kept in {@code <state-dir>/sync/peer-services}, so a restarted standby still knows;
     * the engine learns every new list as a {@link tandem.facts.PeerServices} observation (and the one
     * kept here when it boots), from which the rules choose what a takeover starts.
     */
    public Optional<List<String>> reportedServices() {
        return reported;
    }

    /** Where the active node's list of running services comes from (see {@link SyncServer#reportServices}). */
    public void reportServices(Supplier<List<String>> running) {
        server.reportServices(running);
    }

    private void reported(List<String> names) {
        if (reported.isPresent() && reported.get().equals(names)) {
            return;
        }
        reported = Optional.of(names);
        observe.accept(new tandem.facts.PeerServices(names));
        try {
            StringBuilder text = new StringBuilder();
            names.forEach(n -> text.append(n).append('\n'));
            AtomicFiles.write(reportedFile, text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            LOG.warn("cannot keep the peer's list of running services in {}: {}", reportedFile, e.getMessage());
        }
        LOG.info("{}: the active peer runs {}", config.node().id(), names.isEmpty() ? "no managed services"
                : "the services " + String.join(", ", names));
    }

    private static Optional<List<String>> loadReported(Path file) {
        try {
            return Optional.of(Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (java.io.IOException e) {
            LOG.warn("cannot read the peer's list of running services from {}: {}", file, e.getMessage());
            return Optional.empty();
        }
    }

    /** The bean of route {@code sync-serve}. */
    public SyncServer server() {
        return server;
    }

    /** Registry name of the sync channel's client pipeline (used in the producer URI). */
    public static final String CLIENT_BEAN = "tandem-sync-client";

    /**
     * The beans the replication routes name: {@code sync} (the server), {@code replication} (the timer's
     * target) and the sync channel's Netty pipelines, in TLS when {@code tls} is present.
     */
    public Map<String, Object> routeBeans(Optional<javax.net.ssl.SSLContext> tls) {
        SyncCodec codec = new SyncCodec(config.cluster().secret().reveal());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sync", server);
        m.put("replication", this);
        m.put("tandem-sync-server", new SyncPipelines.Server(codec, config.node().id(), tls, clock));
        m.put(CLIENT_BEAN, new SyncPipelines.Client(codec, config.node().id(), tls, clock, config.peer().address(),
                config.peerSyncPort()));
        return m;
    }

    /** The producer URI of the peer's sync channel. */
    public static String peerEndpoint(NodeConfig c) {
        return CamelTransport.endpoint(c.peer().address(), c.peerSyncPort(), CLIENT_BEAN);
    }

    private boolean active() {
        NodeStatus st = status.get();
        return st != null && (st.state() == NodeState.PRIM || st.state() == NodeState.ALONE);
    }

    private boolean standby() {
        NodeStatus st = status.get();
        return st != null && st.state() == NodeState.SECOND;
    }

    private static String hook(Commands commands, String line) {
        Commands.Result r = commands.run(Commands.shell(line), Duration.ofMinutes(10));
        if (r.ok()) {
            return null;
        }
        return (r.timedOut() ? "did not finish within 10 min" : "exit code " + r.exitCode()) + ": " + r.firstLine(200);
    }

    /** Route {@code sync-timer}, every {@code replication.interval}: a full comparison is due. */
    public void due() {
        synchronized (this) {
            fullDue = true;
        }
        observe.accept(new SyncDue(true, "every " + tandem.config.Durations.format(config.replication().interval()),
                clock.millis()));
    }

    /**
     * A notice of the active node: {@code {"changes": {"FOLDER": ["path", ...]}}}, {@code {"full": true}}
     * (too many changes to list, or a watcher overflow) or {@code {"final": true}} (it stops: pull
     * everything now).
     */
    public void notice(ObjectNode content) {
        String why;
        boolean full;
        synchronized (this) {
            full = content.path("full").asBoolean(false) || content.path("final").asBoolean(false);
            if (full) {
                fullDue = true;
                why = content.path("final").asBoolean(false) ? "the active node stops and asks for a last cycle"
                        : "the active node reports more changes than it lists";
            } else {
                int n = 0;
                for (var it = content.path("changes").fields(); it.hasNext(); ) {
                    var e = it.next();
                    Set<String> paths = changed.computeIfAbsent(e.getKey(), k -> new TreeSet<>());
                    for (JsonNode p : e.getValue()) {
                        paths.add(p.asText());
                        n++;
                    }
                }
                why = "the active node reports " + n + " changed path(s)";
            }
        }
        observe.accept(new SyncDue(full, why, clock.millis()));
    }

    /** A full comparison (the shipped action {@code resync}); the result is named after the request. */
    public ActionResult resync(ActionRequest request) {
        if ((!config.replication().folders().isEmpty() || !config.replication().allowedRoots().isEmpty())
                && !ownListNoted) {
            ownListNoted = true;
            LOG.info("sync: as the standby this node copies the folders the active node lists (SBS-5), into"
                    + " its own replication.folders ({}) or inside its replication.allowed-roots ({}) only; its own"
                    + " filters and options count once it is active itself", config.replication().folders().size(),
                    config.replication().allowedRoots().size());
        }
        synchronized (this) {
            fullDue = false;
            changed.clear();
        }
        return run(request.action(), null, false);
    }

    /** What is due (the shipped action {@code sync}); the result is named after the request. */
    public ActionResult sync(ActionRequest request) {
        Map<String, Set<String>> paths;
        synchronized (this) {
            if (fullDue) {
                paths = null;
            } else if (changed.isEmpty()) {
                return new ActionResult(request.action(), true, "nothing due", clock.millis());
            } else {
                paths = new LinkedHashMap<>(changed);
            }
            fullDue = false;
            changed.clear();
        }
        ActionResult r = run(request.action(), paths, true);
        boolean more;
        boolean full;
        synchronized (this) {
            more = fullDue || !changed.isEmpty();
            full = fullDue;
        }
        if (more) {
            // notices that came while the cycle ran: one more cycle, decided like the first
            observe.accept(new SyncDue(full, "changes reported during the last cycle", clock.millis()));
        }
        return r;
    }

    /** @param keepsDue a failed cycle leaves a full comparison due (what it was to copy is listed nowhere else) */
    private ActionResult run(String action, Map<String, Set<String>> paths, boolean keepsDue) {
        try {
            CycleReport report = client.cycle(paths);
            last = report;
            copiedBytes.add(report.bytes());
            lastError = null;
            lastAt = clock.millis();
            if (report.full() || report.copied() > 0 || report.deleted() > 0) {
                LOG.info("sync: {}", report.summary());
            } else {
                LOG.debug("sync: {}", report.summary());
            }
            return new ActionResult(action, true, report.summary(), clock.millis());
        } catch (SyncException e) {
            if (keepsDue) {
                synchronized (this) {
                    // what the failed cycle was to copy is no longer listed anywhere: compare everything next
                    fullDue = true;
                }
            }
            lastError = e.getMessage();
            lastAt = clock.millis();
            LOG.warn("sync: {} failed: {}", action, e.getMessage());
            return new ActionResult(action, false, e.getMessage(), clock.millis());
        }
    }

    /**
     * On the active node (the shipped action {@code final-sync}, SBS-4): ask the standby for a last full
     * cycle and wait until it reports one that ended after the request, at most 10 minutes.
     */
    public ActionResult finalSync(ActionRequest request) {
        long asked = clock.millis();
        ObjectNode n = SyncCodec.JSON.createObjectNode();
        n.put("final", true);
        notify.accept(n);
        long deadline = System.nanoTime() + finalWait.toNanos();
        while (System.nanoTime() < deadline) {
            SyncServer.CycleDone done = server.lastDone();
            if (done != null && done.at() >= asked && done.full()) {
                return new ActionResult(request.action(), done.ok(), done.ok() ? "the standby finished its last cycle"
                        : "the standby's last cycle failed; see its log", clock.millis());
            }
            NodeStatus st = status.get();
            if (st == null || st.peer() == null || st.peer().state() != NodeState.SECOND) {
                return new ActionResult(request.action(), false, "the standby is gone; stopping without a last cycle",
                        clock.millis());
            }
            if (Thread.currentThread().isInterrupted()) {
                // the node is shutting down: without this the wait below returned at once, every time, and
                // the lane spun until the deadline while Camel's shutdown waited for it (found by the fault
                // suite's boot-together: both nodes stopped at the same instant, one never exited)
                return new ActionResult(request.action(), false, "interrupted: the node is shutting down; stopping"
                        + " without a last cycle", clock.millis());
            }
            server.awaitDone(Duration.ofMillis(200));
        }
        return new ActionResult(request.action(), false, "the standby did not finish a last cycle within "
                + tandem.config.Durations.format(finalWait), clock.millis());
    }

    /** The replication part of {@code /api/status}. */
    public Map<String, Object> statusView() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", config.replication().mode().name().toLowerCase(java.util.Locale.ROOT));
        m.put("folders", config.replication().folders().stream().map(Folder::path).map(Path::toString).toList());
        CycleReport r = last;
        if (r != null) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("full", r.full());
            c.put("entries", r.entries());
            c.put("copied", r.copied());
            c.put("bytes", r.bytes());
            c.put("deleted", r.deleted());
            c.put("touched", r.touched());
            c.put("millis", r.millis());
            c.put("compareMillis", r.compareMillis());
            c.put("warnings", r.warnings());
            m.put("lastCycle", c);
        }
        m.put("lastError", lastError);
        m.put("lastAt", lastAt < 0 ? null : Instant.ofEpochMilli(lastAt).toString());
        SyncServer.CycleDone d = server.lastDone();
        if (d != null) {
            m.put("peerLastCycle", Map.of("ok", d.ok(), "full", d.full(), "at", Instant.ofEpochMilli(d.at()).toString()));
        }
        return m;
    }

    /** For tests and the log: the list of changed paths this node holds for its next cycle. */
    synchronized ArrayNode pendingView() {
        ArrayNode a = SyncCodec.JSON.createArrayNode();
        changed.forEach((k, v) -> v.forEach(p -> a.add(k + ":" + p)));
        return a;
    }
}
