package tandem.node;

import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.camel.ProducerTemplate;
import tandem.actions.ServiceSet;
import tandem.actions.VirtualIps;
import tandem.checks.Checks;
import tandem.config.NodeConfig;
import tandem.engine.Engine;
import tandem.engine.EngineLoop;
import tandem.engine.FileNodeStore;
import tandem.engine.NodeStatus;
import tandem.engine.RuleSet;
import tandem.facts.Activity;
import tandem.reload.Candidate;
import tandem.redundancy.BackupTransfer;
import tandem.redundancy.ImportWatch;
import tandem.reload.Reload;
import tandem.replication.Replication;
import tandem.routes.LoadedRoutes;

/**
 * One node's parts, built by {@link Assembly#wire} over a set of {@link Ports}: the engine loop, the
 * checkers, the heartbeat, replication, the HTTP API, the beans the action routes call, the lanes and
 * the command entry. {@link #beans()} is the one list of beans a node's routes are loaded with, for
 * {@code tandem run} and {@code tandem check} alike.
 *
 * <p>The parts outlive a set of routes: {@link #attach} points the lanes and the command entry at a
 * newly loaded set (and its catalogue), which is all that replacing a node's routes needs.
 */
public final class Wiring implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Wiring.class);
    /** The console's login (console.user, console.password-hash), which Hawtio shares. */
    private final java.util.function.BiPredicate<String, char[]> consoleLogin;
    private final EventLog events;
    private final Lanes lanes;
    private final EngineLoop loop;
    private final Replication replication;
    private final ServiceSet services;
    private final ProbeRunner probes;
    private final HeartbeatSender heartbeats;
    private final CommandRoutes commands = new CommandRoutes();
    private final ApiBean api;
    private final ConsoleBean console;
    private final MailBean mail;
    private final Reload reload;
    private final NodeConfig config;
    /** The redundancy profile's backup transfer and import watch; null on other profiles. */
    private final BackupTransfer transfers;
    private final ImportWatch imports;
    /** The routes the parts run on, once {@link #attach}ed. */
    private volatile LoadedRoutes attached;
    /** Sends commands and actions to their routes; one for the node's context, kept across reloads. */
    private ProducerTemplate template;
    private final Map<String, Object> beans;

    Wiring(Assembly assembly, Ports ports, RuleSet rules, Clock clock) {
        NodeConfig c = assembly.config();
        this.config = c;
        String id = c.node().id();
        this.events = new EventLog(id, clock);
        this.lanes = new Lanes(o -> loop().observe(o), clock::millis);
        this.loop = new EngineLoop(id, () -> {
            if (rules == null) {
                throw new IllegalStateException("the rules of " + id + " did not compile; no engine runs");
            }
            // every request is counted as it goes to its lane, so that a command's ticket can follow its actions
            tandem.engine.ActionPort counted = request -> {
                loop().tickets().requested(request.action());
                lanes.perform(request);
            };
            Engine e = new Engine(rules.kieBase(), assembly.setup(), clock::millis, new FileNodeStore(c.node().stateDir()),
                    counted, events);
            if (c.redundancy().isPresent()) {
                // a rollback's progress (RED-12) is known to the boot's rules, and kept whenever they change it
                tandem.redundancy.RollbackRecord.fact(c.node().stateDir()).ifPresent(e::recall);
                e.keeping(tandem.facts.RollbackProgress.class, p -> keepRollback(c, p));
            }
            e.boot(!c.node().bootStart());
            // what the peer reported before this node stopped (kept on disk) is known from the start
            knownPeerServices().ifPresent(names -> e.peerServices(new tandem.facts.PeerServices(names)));
            // a standby's newest import (RED-1), as the import recorded it: the rules judge the data's age
            if (c.redundancy().isPresent()) {
                tandem.redundancy.LastImport.fact(c.node().stateDir()).ifPresent(e::lastImport);
            }
            return e;
        });
        // the commands log (and the status's events) say what became of every command that started actions
        loop.tickets().onEnd(o -> events.accept(tandem.engine.EngineEvent.log(null, "command " + o.sentence()
                + " (ticket " + o.id() + ", from " + o.origin() + ")")));
        this.services = ServiceSet.of(c, ports.commands(), ports.appLogs());
        this.replication = new Replication(c, loop::current, loop::observe, ports.peer()::notice, ports.sync(),
                ports.commands(), clock);
        // only while this node's services are settled: a list taken while they start or stop would
        // make a takeover start too few (the standby keeps the last list it was told)
        replication.reportServices(this::settledServices);
        this.probes = new ProbeRunner(c, Checks.of(c, ports.commands()), ports.peer()::links, loop::status, clock);
        probes.onLate(loop::observe);
        // a beat before the link is up sends nothing; the first beat after it starts carries the same
        this.heartbeats = new HeartbeatSender(c, loop::current, ports.peer()::heartbeat, clock);
        // the redundancy profile's backups (RED-1): the active sends them, the standby imports them
        this.transfers = c.redundancy().map(r -> new BackupTransfer(c, ports.commands(), loop::observe, clock))
                .orElse(null);
        this.imports = c.redundancy().map(r -> new ImportWatch(c, ports.commands(), loop::observe, clock)).orElse(null);
        Metrics metrics = new Metrics(id, loop, ports.peer()::links, replication::statusView, replication::copiedBytes,
                clock::millis);
        // the console (MS-8): HTTPS with the site's keystore or the node's own certificate
        Optional<ConsoleTls> consoleTls = ports.console();
        consoleTls.ifPresent(t -> LOG.info("{}: console over HTTPS with {}, certificate SHA-256 {}", id, t.source(),
                t.fingerprint()));
        // the console's login, which Hawtio (console.hawtio-port) shares
        this.consoleLogin = (user, password) -> user.equals(c.console().user()) && c.console().passwordHash()
                .map(h -> tandem.config.PasswordHash.parse(h.reveal()).matches(password)).orElse(false);
        ConsoleSessions sessions = new ConsoleSessions(id, consoleTls.isPresent(), c.console().passwordHash().isPresent(),
                consoleLogin::test, clock::millis);
        this.api = new ApiBean(c, loop, events, commands, replication::statusView, ports.configView(),
                this::redundancyView, metrics, sessions, consoleTls.map(ConsoleTls::serverContext).orElse(null));
        this.console = new ConsoleBean(c, api, sessions, new LogPages(ports.appLogs().getParent()),
                new ConsolePeer(c, consoleTls.map(ConsoleTls::clientContext).orElse(null), clock::millis), events::accept);
        this.mail = new MailBean(c, ports.mailer(), clock);

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engine", loop);
        m.put("commands", loop);
        m.put("checks", probes);
        m.put("heartbeat", heartbeats);
        m.put("api", api);
        m.put("console", console);
        m.put(ConsoleHeaders.BEAN, new ConsoleHeaders());
        m.put(ApiServer.BEAN, api.server());
        m.put("netty-http", new ApiHttpComponent());
        m.putAll(replication.routeBeans(ports.tls()));
        m.put("lanes", lanes);
        m.put("services", new ServicesBean(c, services, replication::reportedServices, ports.commands(), clock));
        m.put("vip", new VipBean(VirtualIps.of(c, ports.commands()), clock));
        m.put("boot", new BootStart(c, ports.commands(), clock));
        m.put("fencing", new FencingBean(c, ports.commands(), clock));
        m.put("peer", new PeerBean(c, ports.peer(), clock));
        m.put(MailBean.BEAN, mail);
        m.put(StandbyKeyBean.BEAN, StandbyKeyBean.of(c, clock));
        m.put("rollback", new tandem.redundancy.RollbackBean(c, ports.commands(), clock));
        if (transfers != null) {
            m.put("transfers", transfers);
            m.put("imports", imports);
        }
        // the set on disk, once it passed, replaces the routes attached and the engine's rules (README "Reload")
        this.reload = new Reload(c, assembly.setup(), rules, assembly.catalogue(), loop, () -> attached,
                () -> Candidate.build(assembly.home(), c.file()),
                candidate -> attach(candidate.assembly(), attached), events);
        m.put("reload", reload);
        this.beans = Collections.unmodifiableMap(m);
    }

    /** The beans the routes name, by name. */
    public Map<String, Object> beans() {
        return beans;
    }

    /**
     * The routes {@code assembly} loaded run from now on: actions go to the lanes its catalogue names,
     * commands to their routes, mail templates come from its route folders. What the engine asked for
     * before goes first. Called again with a new assembly and its routes when the node's set is replaced.
     */
    public synchronized void attach(Assembly assembly, LoadedRoutes routes) {
        // one producer template per context: a reload replaces routes in the same context and keeps it
        if (template == null || template.getCamelContext() != routes.context()) {
            template = routes.context().createProducerTemplate();
        }
        attached = routes;
        mail.attach(assembly.routeFolders(), routes.context());
        commands.attach(assembly.catalogue(), template);
        lanes.attach(assembly.catalogue(), template);
    }

    /** The console's login (user, password), which Hawtio shares. */
    public java.util.function.BiPredicate<String, char[]> consoleLogin() {
        return consoleLogin;
    }

    public EngineLoop loop() {
        return loop;
    }

    public EventLog events() {
        return events;
    }

    public Replication replication() {
        return replication;
    }

    public ServiceSet services() {
        return services;
    }

    public ProbeRunner probes() {
        return probes;
    }

    public HeartbeatSender heartbeats() {
        return heartbeats;
    }

    /** Where the API, JMX and the peer's commands enter. */
    public CommandRoutes commands() {
        return commands;
    }

    /** The services running now, when this node's services are settled (running); null while they change. */
    private List<String> settledServices() {
        NodeStatus st = loop.status();
        return st != null && st.activity() == Activity.RUNNING ? services.running() : null;
    }

    /** The redundancy profile's backups in the status: the active's transfers, the standby's imports. */
    private Map<String, Object> redundancyView() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (transfers != null) {
            // the active sends backups, the standby imports them: each shows its own side
            m.putAll(transfers.statusView());
            if (imports != null && config.redundancy().map(r -> !r.active()).orElse(false)) {
                m.putAll(imports.statusView());
            }
        }
        return m;
    }

    /** Stops the engine loop (the routes are closed by their owner). */
    @Override
    public void close() {
        loop.close();
    }

    /**
     * Saves a rollback's progress as the rules left it; a failure is logged and the rollback goes on (the
     * file then shows the step before, which the next change replaces).
     */
    private static void keepRollback(NodeConfig c, tandem.facts.RollbackProgress p) {
        try {
            tandem.redundancy.RollbackRecord.write(c.node().stateDir(), p);
        } catch (java.io.IOException e) {
            org.slf4j.LoggerFactory.getLogger(Wiring.class).error("{}: cannot keep the rollback's progress: {}",
                    c.node().id(), e.getMessage());
        }
    }

    /** What the active peer last said it runs (SBS-2), read when the engine boots. */
    private java.util.Optional<java.util.List<String>> knownPeerServices() {
        return replication.reportedServices();
    }
}
