package tandem.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.Daemons;
import tandem.TandemException;
import tandem.actions.ActionException;
import tandem.actions.Commands;
import tandem.actions.ServiceSet;
import tandem.actions.SystemCommands;
import tandem.actions.VirtualIp;
import tandem.actions.VirtualIps;
import tandem.checks.Checks;
import tandem.config.NodeConfig;
import tandem.engine.ActionPort.ActionRequest;
import tandem.engine.ActionRegistry;
import tandem.engine.Engine;
import tandem.engine.EngineLoop;
import tandem.engine.EngineSetup;
import tandem.engine.FileNodeStore;
import tandem.engine.NodeStatus;
import tandem.engine.RuleSet;
import tandem.engine.Setups;
import tandem.facts.ActionResult;
import tandem.facts.Heartbeat;
import tandem.facts.NodeState;
import tandem.link.PeerLink;
import tandem.replication.CamelTransport;
import tandem.replication.ChangeWatcher;
import tandem.replication.Replication;
import tandem.replication.SyncException;
import tandem.replication.SyncTransport;
import tandem.routes.LoadedRoutes;
import tandem.routes.RouteSet;

/**
 * One running node ({@code tandem run}): the engine on its own thread, the peer link, the checkers,
 * the managed services and the virtual IP, and the Camel context whose routes carry observations
 * to the engine, actions to their beans and the HTTP API. Observe, decide, act: the link and the
 * checkers only observe, the rules decide, the action beans act.
 */
public final class NodeRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeRuntime.class);

    private final NodeConfig config;
    private final Clock clock = Clock.systemUTC();
    private final EventLog events;
    private final EngineLoop loop;
    private final ConfigWatch configWatch;
    /** The mail sender (SBS-8) when {@code mail:} is configured; set once the routes' context exists. */
    private volatile tandem.actions.Mailer mailer;
    /** Set once the routes run (the link lives in their context); read only after {@link #linkUp}. */
    private volatile PeerLink link;
    private final ProbeRunner probes;
    private final ServiceSet services;
    private final Optional<VirtualIp> vip;
    private final LoadedRoutes routes;
    private final ProducerTemplate template;
    private final HeartbeatSender heartbeats;
    private final Commands commands;
    private final SystemdNotify systemd = SystemdNotify.fromEnvironment();
    private volatile boolean linkUp;
    private final Replication replication;
    private volatile SyncTransport syncTransport = request -> {
        throw new SyncException("the node is starting");
    };
    private volatile ChangeWatcher watcher;
    private final java.util.concurrent.ScheduledExecutorService silenceTimer =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(Daemons.named("tandem-silence"));
    private final java.util.concurrent.atomic.AtomicReference<java.util.concurrent.ScheduledFuture<?>> silence =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final List<ActionRequest> early = new ArrayList<>();
    private boolean routesStarted;
    /** Completed once the node is in STOP and holds nothing: what a shutdown waits for. */
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    private NodeRuntime(Path home, NodeConfig c) {
        this.config = c;
        String id = c.node().id();
        Path logDir = LogSetup.configure(c.node().stateDir());
        RuleSet rules = RuleSet.compile(RuleSet.folders(home, c.node().profile().yamlName(), c.extensions().rules()));
        EngineSetup setup = Setups.of(c);
        Commands cmds = new SystemCommands();
        this.commands = cmds;
        this.services = ServiceSet.of(c, cmds, logDir.resolve("app"));
        for (String said : services.enforceManualStartMode()) {
            LOG.warn("{}", said);
        }
        this.vip = VirtualIps.of(c, cmds);
        this.events = new EventLog(id, clock);
        this.replication = new Replication(c, () -> engine().current(), o -> engine().observe(o), notice -> {
            if (linkUp) {
                link.sendNotice(notice);
            }
        }, request -> syncTransport.request(request), cmds, clock);
        // only while this node's services are settled: a list taken while they start or stop would
        // make a takeover start too few (the standby keeps the last list it was told)
        replication.reportServices(this::settledServices);
        ActionRegistry registry = actions(clock);
        this.loop = new EngineLoop(id, () -> {
            Engine e = new Engine(rules.kieBase(), setup, false, new FileNodeStore(c.node().stateDir()),
                    this::perform, events);
            e.boot(!c.node().bootStart());
            // what the peer reported before this node stopped (kept on disk) is known from the start
            replication.reportedServices().ifPresent(names -> e.peerServices(new tandem.facts.PeerServices(names)));
            return e;
        });
        long timeoutMs = c.timings().failoverTimeout().toMillis();
        PeerLink.Listener fromPeer = new PeerLink.Listener() {
            @Override
            public void heartbeat(Heartbeat hb, long skewMillis) {
                probes().skew(skewMillis);
                loop.observe(hb);
                silenceWatch(timeoutMs);
            }

            @Override
            public void command(String name, String origin) {
                // a command from the peer is answered like any other, but never on the link's thread
                CompletableFuture.runAsync(() -> LOG.info("{}: {} from {}: {}", id, name, origin,
                        loop.submit(name, origin).reason()));
            }

            @Override
            public void notice(com.fasterxml.jackson.databind.node.ObjectNode content) {
                replication.notice(content);
            }

            @Override
            public void mismatch(String detail) {
                loop.mismatch(detail);
            }

            @Override
            public void mismatchCleared() {
                loop.mismatch(null);
            }
        };
        Optional<javax.net.ssl.SSLContext> tls = c.peer().tls().map(t -> TlsContexts.of(c, t));
        PeerLink.Options linkOptions = tls.map(PeerLink.Options::tls).orElse(PeerLink.Options.plain());
        this.probes = new ProbeRunner(c, Checks.of(c, cmds), () -> linkUp ? link.links() : List.of(), loop::status, clock);
        probes.onLate(loop::observe);
        // the engine boots (and announces its state) before the link is up: those first heartbeats are
        // not sent; the first beat after the link starts carries the same. A beat right after a freeze
        // sends nothing until the engine has taken in the pause (EngineLoop.current)
        this.heartbeats = new HeartbeatSender(c, loop::current, hb -> {
            if (linkUp) {
                link.send(hb);
            }
            return linkUp;
        }, clock);
        loop.afterCycle(st -> {
            if (st.state() == NodeState.STOP && !st.activity().holding()) {
                stopped.complete(null);
            }
            heartbeats.changed(st);
            systemd.alive();
        });
        this.configWatch = new ConfigWatch(c, this::applyLive);
        RouteBeans beans = new RouteBeans(loop, registry, probes, heartbeats,
                new ApiBean(c, loop, events, replication::statusView, () -> configWatch.view().asMap()),
                replication.routeBeans(tls));
        this.routes = RouteSet.load("tandem-" + id, routeFolders(home, c), beans.asMap(), properties(c));
        this.template = routes.context().createProducerTemplate();
        this.mailer = c.mail().map(m -> new tandem.actions.Mailer(m, routes.context())).orElse(null);
        this.syncTransport = new CamelTransport(template, Replication.peerEndpoint(c), c.peer().id() + " at "
                + c.peer().address() + ":" + c.peerSyncPort());
        // the engine boots before the link listens, so the first heartbeat it gets finds it ready;
        // actions it asks for wait on their queue until the routes start, a moment later; the link's
        // own routes then join the node's context (one context, one set of JMX names per node)
        try {
            loop.start();
            routes.start();
            routesStarted();
            holdLinkBackForTests();
            this.link = new PeerLink(c, fromPeer, clock, linkOptions, routes.context());
            link.start();
            linkUp = true;
            // the peer's silence counts from here, not from the engine's boot: a slow start must not
            // make this node take over before it could hear anything; the engine looks at the timeout
            loop.linkListening();
            silenceWatch(timeoutMs);
            heartbeats.beat();
            // SBS-9: a changed configuration file is validated at once, applied where safe, else listed
            silenceTimer.scheduleWithFixedDelay(this::checkConfig, 2, 2, java.util.concurrent.TimeUnit.SECONDS);
            if (c.replication().mode() == tandem.config.ReplicationMode.CONTINUOUS
                    && !c.replication().folders().isEmpty()) {
                watcher = new ChangeWatcher(c.replication().folders(), n -> {
                    if (linkUp) {
                        link.sendNotice(n);
                    }
                });
            }
        } catch (IOException e) {
            close();
            throw new TandemException(c.file() + ": replication.folders: cannot watch the folders for changes: "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (link != null) {
                link.close();
            }
            routes.close();
            loop.close();
            throw e;
        }
        NodeMBean.register(c, loop, template);
        LOG.info("{}: running: profile {}, peer {} at {}:{}, API on port {}", id, c.node().profile().yamlName(),
                c.peer().id(), c.peer().address(), c.peer().port(), c.console().port());
        systemd.ready("node " + id + " running");
    }

    /**
     * After every heartbeat: one check cycle exactly when the peer would have been silent for the
     * failover timeout, so silence is noticed at the timeout and not up to a check interval later
     * (MS-3; the rules decide what the silence means, this only makes the engine look in time).
     */
    private void silenceWatch(long timeoutMs) {
        java.util.concurrent.ScheduledFuture<?> previous = silence.getAndSet(
                silenceTimer.schedule(loop::tick, timeoutMs + 1, java.util.concurrent.TimeUnit.MILLISECONDS));
        if (previous != null) {
            previous.cancel(false);
        }
    }

    /**
     * Test hook, read here and nowhere else: {@code -Dtandem.test.link-start-delay-ms=N} holds the peer
     * link back for N ms after the routes started, as a slow start on a loaded machine does, so that the
     * live tests can show that the peer's silence is counted from the link, not from the engine's boot.
     * Unset (always, outside those tests) it costs nothing.
     */
    public static final String LINK_START_DELAY_PROPERTY = "tandem.test.link-start-delay-ms";

    private void holdLinkBackForTests() {
        long ms = Long.getLong(LINK_START_DELAY_PROPERTY, 0);
        if (ms > 0) {
            LOG.warn("{}: peer link held back for {} ms ({}, a test hook)", config.node().id(), ms,
                    LINK_START_DELAY_PROPERTY);
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts a node from its configuration. */
    public static NodeRuntime start(Path home, NodeConfig c) {
        return new NodeRuntime(home, c);
    }

    private ProbeRunner probes() {
        return probes;
    }

    /** The route folders of a node: {@code routes/common}, {@code routes/<profile>} when present, then the site's. */
    public static List<Path> routeFolders(Path home, NodeConfig c) {
        List<Path> dirs = new ArrayList<>();
        dirs.add(home.resolve("routes").resolve("common"));
        Path profile = home.resolve("routes").resolve(c.node().profile().yamlName());
        if (Files.isDirectory(profile)) {
            dirs.add(profile);
        }
        dirs.addAll(c.extensions().routes());
        return dirs;
    }

    /** The values the routes' placeholders take from the node's configuration. */
    public static Properties properties(NodeConfig c) {
        Properties p = new Properties();
        p.setProperty("tandem.check-interval-ms", Long.toString(c.timings().checkInterval().toMillis()));
        p.setProperty("tandem.heartbeat-interval-ms", Long.toString(c.timings().heartbeatInterval().toMillis()));
        p.setProperty("tandem.api.address", c.console().address());
        p.setProperty("tandem.api.port", Integer.toString(c.console().port()));
        p.setProperty("tandem.sync.address", c.listen().address().contains(":") ? "[" + c.listen().address() + "]"
                : c.listen().address());
        p.setProperty("tandem.sync.port", Integer.toString(c.syncPort()));
        p.setProperty("tandem.sync.interval-ms", Long.toString(c.replication().interval().toMillis()));
        return p;
    }

    /**
     * The engine's ActionPort: actions run one after the other on the route {@code action-perform}.
     * What the engine asks for while it boots, before the routes run, waits here and goes first.
     */
    private void perform(ActionRequest request) {
        synchronized (early) {
            if (!routesStarted) {
                early.add(request);
                return;
            }
        }
        template.sendBody(lane(request), request);
    }

    /** Replication actions run on their own lane: a long copy must not hold up a takeover's actions. */
    private static String lane(ActionRequest request) {
        return Replication.ACTIONS.contains(request.action()) ? "seda:tandem-sync" : "seda:tandem-actions";
    }

    private void routesStarted() {
        synchronized (early) {
            routesStarted = true;
            early.forEach(r -> template.sendBody(lane(r), r));
            early.clear();
        }
    }

    private void checkConfig() {
        try {
            configWatch.check();
        } catch (RuntimeException e) {
            LOG.warn("{}: cannot check {} for changes: {}", config.node().id(), config.file(), e.toString());
        }
    }

    /** Takes the sections of a changed configuration that apply while the node runs (ConfigWatch.LIVE). */
    private void applyLive(NodeConfig next) {
        tandem.actions.Mailer old = mailer;
        mailer = next.mail().map(m -> new tandem.actions.Mailer(m, routes.context())).orElse(null);
        if (old != null) {
            old.close();
        }
    }

    /** The services running now, when this node's services are settled (running); null while they change. */
    private List<String> settledServices() {
        NodeStatus st = loop.status();
        return st != null && st.activity() == tandem.facts.Activity.RUNNING ? services.running() : null;
    }

    /** Runs the post-takeover hook (when there is one), then the start; the hook failing starts nothing. */
    private ActionResult startServices(String action, Supplier<ActionResult> start, Clock c) {
        Optional<String> hook = config.replication().postTakeover();
        if (hook.isPresent()) {
            // before the services of a node that becomes active: e.g. restore the replicated dump
            Commands.Result h = commands.run(Commands.shell(hook.get()), java.time.Duration.ofMinutes(10));
            if (!h.ok()) {
                return new ActionResult(action, false, "the post-takeover hook failed ("
                        + (h.timedOut() ? "did not finish within 10 min" : "exit code " + h.exitCode()) + ": "
                        + h.firstLine(200) + "); services not started", c.millis());
            }
            LOG.info("{}: post-takeover hook done: {}", config.node().id(), hook.get());
        }
        return start.get();
    }

    private ActionResult mail(ActionRequest req, String what, Clock c) {
        tandem.actions.Mailer m = mailer;
        if (m == null) {
            return new ActionResult(req.action(), false, "no mail: section in " + config.file(), c.millis());
        }
        String node = config.node().id();
        String subject = "[Tandem] " + node + " " + what + " (" + config.cluster().name() + ")";
        String body = node + " " + what + " at " + java.time.Instant.ofEpochMilli(c.millis()) + ".\n\n"
                + "Why: " + req.reason() + "\n(rule \"" + req.rule() + "\")\n\n"
                + "Cluster " + config.cluster().name() + ": " + node + " (profile " + config.node().profile().yamlName()
                + "), peer " + config.peer().id() + " at " + config.peer().address() + ":" + config.peer().port() + ".\n"
                + "Status: tandem status --config " + config.file() + "\n";
        return new ActionResult(req.action(), true, m.send(new tandem.actions.Mailer.Notice(subject, body)), c.millis());
    }

    private ActionRegistry actions(Clock c) {
        ActionRegistry r = new ActionRegistry(c::millis);
        r.register("start-services", req -> startServices("start-services", () -> services.startAll(c.millis()), c));
        // SBS-2: a takeover starts what the former primary ran (all of them when it never said)
        r.register("start-reported-services", req -> startServices("start-reported-services", () -> {
            Optional<List<String>> names = replication.reportedServices();
            if (names.isEmpty()) {
                LOG.info("{}: the former primary never reported its running services; starting all of them",
                        config.node().id());
                return named("start-reported-services", services.startAll(c.millis()));
            }
            return services.startOnly(names.get(), "start-reported-services", c.millis());
        }, c));
        // SBS-8: queued, delivered in the background with retries: a mail server that is down never
        // holds up the actions after it
        r.register("mail-takeover", req -> mail(req, "took over as primary", c));
        r.register("mail-split-brain", req -> mail(req, "was one of two primaries and returns as secondary", c));
        r.register("mail-test", req -> mail(req, "sends a test mail", c));
        r.register("stop-services", req -> named("stop-services", services.stopAll(c.millis())));
        r.register("vip-up", req -> vipAction("vip-up", VirtualIp::acquire));
        r.register("vip-takeover", req -> vipAction("vip-takeover", VirtualIp::takeOver));
        r.register("vip-down", req -> vipAction("vip-down", VirtualIp::release));
        r.register("resync", req -> replication.resync());
        r.register("sync", req -> replication.sync());
        r.register("final-sync", req -> replication.finalSync());
        BootStart boot = new BootStart(config, commands);
        r.register("boot-start-on", req -> boot.set(true, c.millis()));
        r.register("boot-start-off", req -> boot.set(false, c.millis()));
        r.register("fence-peer", req -> fence(c));
        r.register("forward-swap", req -> {
            link.sendCommand("swap", "peer " + config.node().id());
            return new ActionResult("forward-swap", true, "swap passed to " + config.peer().id(), c.millis());
        });
        return r;
    }

    /** Runs {@code fencing.command}: exit code 0 within {@code fencing.timeout} means the peer is down. */
    private ActionResult fence(Clock c) {
        if (config.fencing().isEmpty()) {
            return new ActionResult("fence-peer", false, "no fencing: section in " + config.file(), c.millis());
        }
        tandem.config.Fencing f = config.fencing().get();
        Commands.Result r = commands.run(Commands.shell(f.command()), f.timeout());
        if (!r.ok()) {
            return new ActionResult("fence-peer", false, "the fencing command failed (" + (r.timedOut()
                    ? "did not finish within " + tandem.config.Durations.format(f.timeout()) : "exit code " + r.exitCode())
                    + ": " + r.firstLine(200) + ")", c.millis());
        }
        LOG.info("{}: peer {} fenced: {}", config.node().id(), config.peer().id(), f.command());
        return new ActionResult("fence-peer", true, "the fencing command succeeded", c.millis());
    }

    /** One step on the virtual IP. */
    private interface VipStep {
        void run(VirtualIp vip) throws ActionException;
    }

    private ActionResult vipAction(String action, VipStep step) {
        if (vip.isEmpty()) {
            return new ActionResult(action, true, "no virtual IP configured", clock.millis());
        }
        try {
            step.run(vip.get());
            return new ActionResult(action, true, "done", clock.millis());
        } catch (ActionException e) {
            return new ActionResult(action, false, e.getMessage(), clock.millis(), e.finding());
        }
    }

    private static ActionResult named(String action, ActionResult r) {
        return new ActionResult(action, r.ok(), r.detail(), r.at());
    }

    public EngineLoop loop() {
        return loop;
    }

    /** The engine loop, for callbacks made before the constructor assigned it (they run later). */
    private EngineLoop engine() {
        return loop;
    }

    /**
     * Stops the node as an operator stop would (services stopped, virtual IP released, the peer told),
     * waiting at most {@code waitMs} for STOP, then closes everything.
     */
    public void shutdown(long waitMs) {
        systemd.stopping();
        NodeStatus st = loop.status();
        if (st != null && st.state() != NodeState.STOP) {
            LOG.info("{}: shutting down: {}", config.node().id(), loop.submit("stop", "shutdown").reason());
            try {
                stopped.get(waitMs, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                LOG.warn("{}: not stopped after {} ms; closing anyway", config.node().id(), waitMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e);
            }
            heartbeats.beat();
        }
        close();
    }

    @Override
    public void close() {
        NodeMBean.unregister(config);
        if (watcher != null) {
            watcher.close();
        }
        if (link != null) {
            // before the silence timer: the link's listener schedules on it until the link is closed
            link.close();
        }
        silenceTimer.shutdownNow();
        if (mailer != null) {
            mailer.close();
        }
        routes.close();
        loop.close();
    }
}
