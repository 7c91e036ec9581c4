package tandem.node;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.Daemons;
import tandem.TandemException;
import tandem.os.SystemCommands;
import tandem.config.NodeConfig;
import tandem.engine.CycleOutcome.CommandAnswer;
import tandem.engine.EngineLoop;
import tandem.engine.NodeStatus;
import tandem.engine.RuleSet;
import tandem.facts.Heartbeat;
import tandem.facts.NodeState;
import tandem.link.LinkState;
import tandem.link.PeerLink;
import tandem.replication.CamelTransport;
import tandem.replication.ChangeWatcher;
import tandem.replication.Replication;
import tandem.replication.SyncException;
import tandem.replication.SyncTransport;
import tandem.routes.LoadedRoutes;

/**
 * One running node ({@code tandem run}): the node its {@link Assembly} describes, wired over the real
 * machine (the OS's commands, the peer link, the sync channel, the mail sender): the engine on its own
 * thread, the peer link, the checkers, and the Camel context whose routes carry observations to the
 * engine, actions to their beans, commands to the rules and the HTTP API. Observe, decide, act: the
 * link and the checkers only observe, the rules decide, the action beans act.
 */
public final class NodeRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeRuntime.class);

    private final NodeConfig config;
    private final Clock clock = Clock.systemUTC();
    private final Wiring wiring;
    private final EngineLoop loop;
    private final ConfigWatch configWatch;
    /** The mail sender (SBS-8) when {@code mail:} is configured; set once the routes' context exists. */
    private volatile tandem.actions.Mailer mailer;
    /** Set once the routes run (the link lives in their context); read only after {@link #linkUp}. */
    private volatile PeerLink link;
    private final LoadedRoutes routes;
    private final HeartbeatSender heartbeats;
    private final SystemdNotify systemd = SystemdNotify.fromEnvironment();
    private volatile boolean linkUp;
    private volatile SyncTransport syncTransport = request -> {
        throw new SyncException("the node is starting");
    };
    private volatile ChangeWatcher watcher;
    /** Hawtio (GEN-3) when {@code console.hawtio-port} is set; started once the routes run. */
    private volatile HawtioServer hawtio;
    private final java.util.concurrent.ScheduledExecutorService silenceTimer =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(Daemons.named("tandem-silence"));
    private final java.util.concurrent.atomic.AtomicReference<java.util.concurrent.ScheduledFuture<?>> silence =
            new java.util.concurrent.atomic.AtomicReference<>();
    /** Completed once the node is in STOP and holds nothing: what a shutdown waits for. */
    /**
     * Completed when the node is in STOP and holds nothing; replaced by a new one whenever it leaves STOP
     * (a node stopped and started again must not find an old STOP when it shuts down: it closed at once,
     * with its services still running; the fault suite's boot-together found it).
     */
    private volatile CompletableFuture<Void> stopped = new CompletableFuture<>();

    private NodeRuntime(Path home, NodeConfig c) {
        this.config = c;
        String id = c.node().id();
        Path logDir = LogSetup.configure(c.node().stateDir());
        Assembly assembly = Assembly.of(home, c);
        RuleSet rules = assembly.compileRules();
        rules.siteChanges().forEach(change -> LOG.info("{}: site rules: {}", id, change));
        rules.warnings().forEach(w -> LOG.warn("{}", w));
        Optional<javax.net.ssl.SSLContext> tls = c.peer().tls().map(t -> TlsContexts.of(c, t));
        if (c.console().enabled() && c.console().passwordHash().isEmpty()) {
            LOG.warn("{}: the web console{} has no password, so nobody can log in: run `tandem set-password --config {}`"
                    + " (the API still answers the command line and API tokens)", id,
                    c.console().hawtioPort().isPresent() ? " (and Hawtio, which logs in with it)" : "", c.file());
        }
        // the console's HTTPS: the site's keystore, or a certificate made now at the first start (Hawtio's too)
        Optional<ConsoleTls> consoleTls = ConsoleTls.of(c, true);
        this.configWatch = new ConfigWatch(c, this::applyLive);
        // the real machine: the OS's commands, the peer link (once it runs), the sync channel, the mail sender
        Ports ports = new Ports(new SystemCommands(), logDir.resolve("app"), tls, new Ports.Peer() {
            @Override
            public boolean heartbeat(Heartbeat hb) {
                if (linkUp) {
                    link.send(hb);
                }
                return linkUp;
            }

            @Override
            public boolean command(String name, String origin) {
                if (linkUp) {
                    link.sendCommand(name, origin);
                }
                return linkUp;
            }

            @Override
            public boolean notice(com.fasterxml.jackson.databind.node.ObjectNode content) {
                if (linkUp) {
                    link.sendNotice(content);
                }
                return linkUp;
            }

            @Override
            public List<LinkState> links() {
                return linkUp ? link.links() : List.of();
            }
        }, request -> syncTransport.request(request), () -> mailer, () -> configWatch.view().asMap(), consoleTls);
        this.wiring = assembly.wire(ports, rules);
        this.loop = wiring.loop();
        this.heartbeats = wiring.heartbeats();
        for (String said : wiring.services().enforceManualStartMode()) {
            LOG.warn("{}", said);
        }
        long timeoutMs = c.timings().failoverTimeout().toMillis();
        PeerLink.Listener fromPeer = new PeerLink.Listener() {
            @Override
            public void heartbeat(Heartbeat hb, long skewMillis) {
                wiring.probes().skew(skewMillis);
                loop.observe(hb);
                silenceWatch(timeoutMs);
            }

            @Override
            public void command(String name, String origin, java.util.Map<String, String> args) {
                // a command from the peer goes to its route like any other, but never on the link's thread
                CompletableFuture.runAsync(() -> LOG.info("{}: {} from {}: {}", id, name, origin,
                        wiring.commands().answer(name, origin, args).reason()));
            }

            @Override
            public void notice(com.fasterxml.jackson.databind.node.ObjectNode content) {
                wiring.replication().notice(content);
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
        PeerLink.Options linkOptions = tls.map(PeerLink.Options::tls).orElse(PeerLink.Options.plain());
        loop.afterCycle(st -> {
            if (st.state() == NodeState.STOP && !st.activity().holding()) {
                stopped.complete(null);
            } else if (stopped.isDone()) {
                stopped = new CompletableFuture<>();
            }
            heartbeats.changed(st);
            systemd.alive();
        });
        this.routes = assembly.loadRoutes(wiring);
        this.mailer = c.mail().map(m -> new tandem.actions.Mailer(m, routes.context())).orElse(null);
        this.syncTransport = new CamelTransport(routes.context().createProducerTemplate(), Replication.peerEndpoint(c),
                c.peer().id() + " at " + c.peer().address() + ":" + c.peerSyncPort());
        // the engine boots before the link listens, so the first heartbeat it gets finds it ready;
        // actions it asks for wait in the lanes until the routes start, a moment later; the link's
        // own routes then join the node's context (one context, one set of JMX names per node)
        try {
            loop.start();
            // what an earlier run left running (it was killed while active): the rules decide (boot.drl)
            java.util.List<String> left = wiring.services().running();
            if (!left.isEmpty()) {
                loop.observe(new tandem.facts.ServicesFound(left));
            }
            routes.start();
            wiring.attach(assembly, routes);
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
            wiring.close();
            throw e;
        }
        NodeMBean.register(c, loop, wiring.commands());
        if (c.console().hawtioPort().isPresent()) {
            // after the routes and the MBean: Hawtio's Jolokia shows them from its first page
            try {
                hawtio = HawtioServer.start(c, consoleTls.map(ConsoleTls::serverContext), wiring.consoleLogin());
            } catch (RuntimeException e) {
                close();
                throw e;
            }
            LOG.info("{}: Hawtio at {} (the console's user and password)", id, hawtio.url());
        }
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

    public EngineLoop loop() {
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
            CommandAnswer answer = wiring.commands().shutdown("shutdown");
            if (answer == null) {
                LOG.warn("{}: no route {}: closing without stopping first", config.node().id(),
                        CommandRoutes.SHUTDOWN_ROUTE);
                close();
                return;
            }
            LOG.info("{}: shutting down: {}", config.node().id(), answer.reason());
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
        if (hawtio != null) {
            hawtio.close();
        }
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
        wiring.close();
    }
}
