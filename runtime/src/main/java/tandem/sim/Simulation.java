package tandem.sim;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import tandem.config.ConfigLoader;
import tandem.config.NodeConfig;
import tandem.engine.ActionPort.ActionRequest;
import tandem.engine.CycleOutcome;
import tandem.engine.Engine;
import tandem.engine.EngineEvent;
import tandem.engine.EngineSetup;
import tandem.engine.EngineSetup.ResourceSpec;
import tandem.engine.NodeStore;
import tandem.engine.RuleSet;
import tandem.engine.RulesException;
import tandem.engine.Setups;
import tandem.facts.ActionResult;
import tandem.facts.Activity;
import tandem.facts.Heartbeat;
import tandem.facts.LocalNode;
import tandem.facts.NodeState;
import tandem.facts.ProbeResult;

/**
 * Runs a scenario: both nodes' real engines with the real rules of their profile, in one thread, on
 * one virtual clock (jgroups-raft's PartitionedRaftCluster is the model). The network, the checkers
 * and the actions are simulated: heartbeats cross a virtual link that steps can cut, checkers report
 * what the steps made of each resource, and every action takes its virtual duration from the
 * scenario. Nothing depends on the wall clock or on hash order, so the same scenario gives the same
 * output, byte for byte.
 */
public final class Simulation {

    /** What a scenario run produced. {@code fatal} is a rules error that stopped it, or null. */
    public record Result(List<SimEvent> events, List<ExpectResult> expectations, String fatal) {
        public boolean passed() {
            return fatal == null && expectations.stream().allMatch(ExpectResult::met);
        }
    }

    /** One expectation and what the node actually was at its time. */
    public record ExpectResult(Scenario.Expect expect, boolean met, String actual) {
        public String text() {
            return String.format(java.util.Locale.ROOT, "%9.3f expect %s: %s", expect.at() / 1000.0, expect.describe(),
                    met ? "ok" : "FAILED, was " + actual);
        }
    }

    private record Ev(long t, int phase, long seq, Runnable run) {
    }

    private static final String NET = ScenarioParser.NET;
    /**
     * The most events one step of a scenario may lead to before the next step: a normal pair settles
     * within tens of events, so more means rules that keep changing something.
     */
    public static final int MAX_EVENTS_PER_STEP = 10_000;
    /** The most things that may happen at one virtual instant: more means a loop in which no time passes. */
    public static final int MAX_RUNS_PER_INSTANT = 10_000;

    private final Scenario scenario;
    private final Map<String, SimNode> nodes = new LinkedHashMap<>();
    private final PriorityQueue<Ev> queue = new PriorityQueue<>(
            Comparator.comparingLong(Ev::t).thenComparingInt(Ev::phase).thenComparingLong(Ev::seq));
    private final Set<String> cut = new TreeSet<>();
    private final List<SimEvent> events = new ArrayList<>();
    private final List<ExpectResult> results = new ArrayList<>();
    private Consumer<SimEvent> sink = e -> { };
    private long now;
    private long seq;
    private String fatal;
    /** The step that ran last and how many events followed it; null before the first step. */
    private Scenario.Step lastStep;
    private int eventsSinceStep;

    private Simulation(Scenario scenario) {
        this.scenario = scenario;
    }

    /**
     * Loads the node configurations and compiles their rules.
     *
     * @param home the installation directory holding rules/
     * @throws ScenarioException           when the two configurations do not form a pair, or a step names a resource a node lacks
     * @throws tandem.config.ConfigException when a configuration is invalid
     * @throws RulesException              when the rules do not compile
     */
    public static Simulation prepare(Scenario scenario, Path home) {
        Simulation sim = new Simulation(scenario);
        Map<List<Path>, RuleSet> compiled = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Path> e : scenario.nodes().entrySet()) {
            NodeConfig c = ConfigLoader.load(e.getValue());
            List<Path> folders = RuleSet.folders(home, c.node().profile().yamlName(), c.extensions().rules());
            RuleSet rules = compiled.computeIfAbsent(folders, RuleSet::compile);
            sim.nodes.put(e.getKey(), new SimNode(e.getKey(), c, Setups.of(c), rules));
        }
        List<SimNode> pair = List.copyOf(sim.nodes.values());
        SimNode a = pair.get(0);
        SimNode b = pair.get(1);
        String where = scenario.file() + (scenario.nodesLine() > 0 ? ":" + scenario.nodesLine() : "") + ": nodes: ";
        if (!a.config.peer().id().equals(b.config.node().id()) || !b.config.peer().id().equals(a.config.node().id())) {
            problems.add(where + a.name + " (id " + a.config.node().id() + ", peer " + a.config.peer().id() + ") and "
                    + b.name + " (id " + b.config.node().id() + ", peer " + b.config.peer().id()
                    + ") are not each other's peer");
        }
        if (a.config.node().profile() != b.config.node().profile()) {
            problems.add(where + a.name + " runs profile " + a.config.node().profile().yamlName() + " but " + b.name
                    + " runs " + b.config.node().profile().yamlName());
        }
        for (Scenario.Step s : scenario.steps()) {
            if (s.resource() != null) {
                SimNode n = sim.nodes.get(s.nodes().get(0));
                if (!n.setup.resources().containsKey(s.resource())) {
                    problems.add(scenario.file() + ":" + s.line() + ": " + s.kind() + ".resource: " + n.name
                            + " has no resource \"" + s.resource() + "\"; its resources: "
                            + String.join(", ", n.setup.resources().keySet()));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ScenarioException(problems);
        }
        a.peer = b;
        b.peer = a;
        return sim;
    }

    /** Runs the scenario to its end, handing every event to {@code sink} as it happens. */
    public Result run(Consumer<SimEvent> eventSink) {
        this.sink = Objects.requireNonNull(eventSink);
        for (Scenario.Step s : scenario.steps()) {
            at(s.at(), () -> step(s));
        }
        for (Scenario.Expect e : scenario.expects()) {
            queue.add(new Ev(e.at(), 1, seq++, () -> check(e)));
        }
        int runsAtInstant = 0;
        while (!queue.isEmpty() && queue.peek().t() <= scenario.until() && fatal == null) {
            Ev ev = queue.poll();
            runsAtInstant = ev.t() == now ? runsAtInstant + 1 : 1;
            now = ev.t();
            if (runsAtInstant > MAX_RUNS_PER_INSTANT) {
                fatal = afterStep() + "was followed by more than " + MAX_RUNS_PER_INSTANT + " things at " + seconds(now)
                        + " s without virtual time passing: rules and actions go round in a loop; stopped";
                break;
            }
            ev.run().run();
        }
        for (SimNode n : nodes.values()) {
            if (n.engine != null) {
                n.engine.close();
            }
        }
        return new Result(List.copyOf(events), List.copyOf(results), fatal);
    }

    // --- steps -----------------------------------------------------------------------------------

    private void step(Scenario.Step s) {
        lastStep = s;
        eventsSinceStep = 0;
        switch (s.kind()) {
            case "start" -> s.nodes().forEach(n -> boot(nodes.get(n)));
            case "crash" -> s.nodes().forEach(n -> crash(nodes.get(n)));
            case "restart" -> s.nodes().forEach(n -> {
                SimNode node = nodes.get(n);
                if (node.engine != null) {
                    crash(node);
                }
                boot(node);
            });
            case "command" -> command(nodes.get(s.nodes().get(0)), s.name(), "scenario");
            case "fail" -> {
                SimNode n = nodes.get(s.nodes().get(0));
                n.failed.add(s.resource());
                emit(n.name, EngineEvent.log(null, "resource " + s.resource() + " fails"));
            }
            case "recover" -> {
                SimNode n = nodes.get(s.nodes().get(0));
                n.failed.remove(s.resource());
                emit(n.name, EngineEvent.log(null, "resource " + s.resource() + " recovers"));
            }
            case "partition" -> {
                cut.add(link(s.nodes().get(0), s.nodes().get(1)));
                emit(NET, EngineEvent.log(null, "partition " + s.nodes().get(0) + " / " + s.nodes().get(1)));
            }
            case "heal" -> {
                cut.remove(link(s.nodes().get(0), s.nodes().get(1)));
                emit(NET, EngineEvent.log(null, "heal " + s.nodes().get(0) + " / " + s.nodes().get(1)));
            }
            case "write" -> write(nodes.get(s.nodes().get(0)), s.path(), s.bytes());
            case "freeze" -> freeze(nodes.get(s.nodes().get(0)), s.forMs());
            default -> throw new IllegalStateException(s.kind());
        }
    }

    private void boot(SimNode n) {
        if (n.engine != null) {
            emit(n.name, EngineEvent.log(null, "start ignored: the node is running"));
            return;
        }
        int inc = ++n.incarnation;
        n.engine = new Engine(n.rules.kieBase(), n.setup, true, n.store, req -> onAction(n, inc, req),
                e -> emit(n.name, e));
        n.engine.advanceTo(now);
        n.lastSent = null;
        call(n, () -> n.engine.boot(!n.config.node().bootStart()));
        // a simulated node's link listens from its boot on
        call(n, () -> n.engine.linkListening());
        heartbeatLoop(n, inc, now);
        checkLoop(n, inc, now + n.config.timings().checkInterval().toMillis());
        replicationLoop(n, inc, now + n.config.replication().interval().toMillis());
    }

    /**
     * The node's Tandem process stops for {@code forMs} (SIGSTOP, a paused VM): it sends nothing, checks
     * nothing and takes in nothing; its services keep running. What reaches it meanwhile (the peer's
     * heartbeats, results of its actions, commands) waits and arrives at once when it runs again, after
     * its engine has been told how long it did not run.
     */
    private void freeze(SimNode n, long forMs) {
        if (n.engine == null) {
            emit(n.name, EngineEvent.log(null, "freeze ignored: the node is down"));
            return;
        }
        if (n.frozen) {
            emit(n.name, EngineEvent.log(null, "freeze ignored: the node is frozen"));
            return;
        }
        n.frozen = true;
        int inc = n.incarnation;
        emit(n.name, EngineEvent.log(null, "frozen for " + seconds(forMs) + " s: its Tandem process stops, its services"
                + " keep running"));
        at(now + forMs, () -> {
            if (n.incarnation != inc) {
                return;
            }
            n.frozen = false;
            emit(n.name, EngineEvent.log(null, "runs again after " + seconds(forMs) + " s"));
            List<Supplier<CycleOutcome>> waiting = List.copyOf(n.held);
            n.held.clear();
            call(n, () -> n.engine.resumed(forMs));
            waiting.forEach(c -> call(n, c));
        });
    }

    private void crash(SimNode n) {
        if (n.engine == null) {
            emit(n.name, EngineEvent.log(null, "crash ignored: the node is down"));
            return;
        }
        n.engine.close();
        n.engine = null;
        n.frozen = false;
        n.held.clear();
        n.incarnation++;
        n.holdsVip = false; // the simulated crash takes the whole host down, its addresses with it
        emit(n.name, EngineEvent.log(null, "crashed"));
    }

    private void command(SimNode n, String name, String origin) {
        if (n.engine == null) {
            emit(n.name, EngineEvent.log(null, "command " + name + " not delivered: the node is down"));
            return;
        }
        call(n, () -> n.engine.command(name, origin));
    }

    private void write(SimNode n, String path, long bytes) {
        if (n.engine == null) {
            emit(n.name, EngineEvent.log(null, "write to " + path + " lost: the node is down"));
            return;
        }
        NodeState st = n.engine.node().state();
        if (!st.active()) {
            emit(n.name, EngineEvent.log(null, "write to " + path + " refused: the node is " + st
                    + " and only the active node runs the application"));
            return;
        }
        n.dataVersion++;
        SimNode p = n.peer;
        boolean replicated = !n.frozen && !p.frozen && p.engine != null && linked(n.name, p.name)
                && p.engine.node().state() == NodeState.SECOND
                && p.engine.node().uptodate();
        if (replicated) {
            p.dataVersion = n.dataVersion;
        }
        emit(n.name, EngineEvent.log(null, "write " + bytes + " bytes to " + path
                + (replicated ? " (replicated to " + p.name + ")" : " (not replicated: no uptodate secondary)")));
    }

    // --- the running nodes -----------------------------------------------------------------------

    private void heartbeatLoop(SimNode n, int inc, long t) {
        at(t, () -> {
            if (n.incarnation != inc) {
                return;
            }
            if (!n.frozen) {
                send(n, n.engine.heartbeat());
            }
            heartbeatLoop(n, inc, t + n.config.timings().heartbeatInterval().toMillis());
        });
    }

    private void checkLoop(SimNode n, int inc, long t) {
        at(t, () -> {
            if (n.incarnation != inc) {
                return;
            }
            if (n.frozen) {
                checkLoop(n, inc, t + n.config.timings().checkInterval().toMillis());
                return;
            }
            List<ProbeResult> round = new ArrayList<>();
            for (ResourceSpec r : n.setup.resources().values()) {
                if (!n.engine.status().checked(r.resource())) {
                    continue;   // the rules hold it unchecked now (an active-only one while the services do not run)
                }
                boolean ok = probe(n, r.resource());
                round.add(new ProbeResult(r.resource(), ok, ok ? "up (simulated)" : "down (simulated)", now));
            }
            call(n, () -> n.engine.probes(round));
            if (n.incarnation != inc) {
                return;
            }
            call(n, () -> n.engine.tick());
            checkLoop(n, inc, t + n.config.timings().checkInterval().toMillis());
        });
    }

    /**
     * The replication timer of a standby ({@code replication.interval}): the sim does not model the
     * periodic cycle's copying, only what the standby learns from it (SBS-2, the services its active peer
     * runs), as it does at every pull ({@link #reportServices}).
     */
    private void replicationLoop(SimNode n, int inc, long t) {
        at(t, () -> {
            if (n.incarnation != inc) {
                return;
            }
            SimNode p = n.peer;
            if (!n.frozen && n.engine.node().state() == NodeState.SECOND && p.engine != null && !p.frozen
                    && linked(n.name, p.name) && p.engine.node().state().active()) {
                reportServices(p, n);
            }
            replicationLoop(n, inc, t + n.config.replication().interval().toMillis());
        });
    }

    /** SBS-2: a pull tells the standby which services its active peer runs, once they run (settled). */
    private void reportServices(SimNode active, SimNode standby) {
        if (active.engine != null && active.engine.services().running() && standby.engine != null) {
            List<String> names = active.config.services().stream().map(tandem.config.Service::name).toList();
            call(standby, () -> standby.engine.peerServices(new tandem.facts.PeerServices(names)));
        }
    }

    private boolean probe(SimNode n, String resource) {
        if (n.failed.contains(resource)) {
            return false;
        }
        if (resource.startsWith("link.")) {
            // a simulated pair has one link: it is up while frames from the peer arrive
            return n.peer.engine != null && linked(n.name, n.peer.name);
        }
        boolean witness = n.config.witness().map(w -> w.resource().equals(resource)).orElse(false);
        return !witness || linked(n.name, ScenarioParser.WITNESS);
    }

    private void send(SimNode n, Heartbeat hb) {
        n.lastSent = hb;
        SimNode p = n.peer;
        if (p.engine == null || !linked(n.name, p.name)) {
            return;
        }
        int inc = p.incarnation;
        at(now, () -> {
            if (p.incarnation == inc) {
                call(p, () -> p.engine.heartbeat(hb));
            }
        });
    }

    private void onAction(SimNode n, int inc, ActionRequest req) {
        n.did.add(req.action());
        long d = scenario.durations().getOrDefault(req.action(), 0L);
        at(now + d, () -> result(n, inc, req));
    }

    private void result(SimNode n, int inc, ActionRequest req) {
        if (n.incarnation != inc) {
            return;
        }
        SimNode p = n.peer;
        if (req.action().equals("vip-up") && n.config.vip().isPresent() && !n.holdsVip && p.holdsVip
                && p.engine != null && linked(n.name, p.name)) {
            // the duplicate address probe is answered by the peer's MAC: a finding for the rules
            call(n, () -> n.engine.actionResult(new ActionResult(req.action(), false, n.config.vip().get().address()
                    + " is still held by the peer " + p.name + " (simulated)", now, ActionResult.VIP_HELD_BY_PEER)));
            return;
        }
        String failure = outcome(n, req.action());
        if (failure == null && n.config.vip().isPresent()) {
            switch (req.action()) {
                case "vip-up", "vip-takeover" -> n.holdsVip = true;
                case "vip-down" -> n.holdsVip = false;
                default -> {
                }
            }
        }
        call(n, () -> n.engine.actionResult(new ActionResult(req.action(), failure == null,
                failure == null ? "done (simulated)" : failure, now)));
    }

    /** Null when the simulated action succeeds, else why it failed. */
    private String outcome(SimNode n, String action) {
        SimNode p = n.peer;
        switch (action) {
            case "start-services", "start-reported-services": {
                for (ResourceSpec r : n.setup.resources().values()) {
                    if (r.activeOnly() && r.critical() && n.failed.contains(r.resource())) {
                        return "cannot start: " + r.resource() + " is failed (service disabled)";
                    }
                }
                return null;
            }
            case "stop-services", "vip-up", "vip-takeover", "vip-down", "boot-start-on", "boot-start-off", "mail-takeover",
                    "mail-split-brain", "mail-test":
                return null;
            case "resync", "sync": {
                // the standby pulls from the active peer: a full comparison or what is due
                if (p.engine == null || !linked(n.name, p.name) || p.frozen) {
                    return "peer " + p.name + " unreachable";
                }
                if (!p.engine.node().state().active()) {
                    return "peer " + p.name + " is " + p.engine.node().state() + ", not active";
                }
                n.dataVersion = p.dataVersion;
                reportServices(p, n);
                return null;
            }
            case "final-sync": {
                // the standby pulls a last time: the active node waits for it
                if (p.engine == null || !linked(n.name, p.name) || p.frozen) {
                    return "the standby " + p.name + " is gone; stopping without a last cycle";
                }
                if (p.engine.node().state() != tandem.facts.NodeState.SECOND) {
                    return "the standby " + p.name + " is " + p.engine.node().state();
                }
                p.dataVersion = n.dataVersion;
                reportServices(n, p);
                return null;
            }
            case "fence-peer": {
                // the simulated fence always works: the peer's Tandem and services are gone (power off)
                if (p.engine != null) {
                    at(now, () -> {
                        emit(p.name, EngineEvent.log(null, "fenced by " + n.name));
                        crash(p);
                    });
                }
                return null;
            }
            case "forward-swap": {
                if (p.engine == null || !linked(n.name, p.name)) {
                    return "peer " + p.name + " unreachable";
                }
                at(now, () -> command(p, "swap", "peer " + n.name));
                return null;
            }
            default:
                return "the simulation has no action \"" + action + "\"";
        }
    }

    /** Runs one engine call, then tells the peer at once when what this node announces changed. */
    private void call(SimNode n, Supplier<CycleOutcome> c) {
        if (fatal != null) {
            return;
        }
        if (n.frozen) {
            n.held.add(c);
            return;
        }
        try {
            n.engine.advanceTo(now);
            c.get();
        } catch (RulesException e) {
            String where = String.join("\n", n.rules.locate(e));
            fatal = n.name + " at " + seconds(now) + " s: " + where;
            emit(n.name, EngineEvent.log(null, "engine stopped: " + where));
            return;
        }
        if (n.engine != null) {
            Heartbeat hb = n.engine.heartbeat();
            if (n.lastSent == null || !sameContent(hb, n.lastSent)) {
                send(n, hb);
            }
        }
    }

    private static boolean sameContent(Heartbeat a, Heartbeat b) {
        return a.state() == b.state() && a.data() == b.data() && a.generation() == b.generation()
                && a.holding() == b.holding();
    }

    private void check(Scenario.Expect e) {
        SimNode n = nodes.get(e.node());
        LocalNode l = n.engine == null ? null : n.engine.node();
        Activity services = l == null ? null : n.engine.services().activity();
        String actual = l == null ? "down" : l.state() + ", " + l.data().label() + ", services "
                + services.name().toLowerCase(java.util.Locale.ROOT);
        List<String> missing = e.did().stream().filter(a -> !n.did.contains(a)).toList();
        if (!e.did().isEmpty()) {
            actual += missing.isEmpty() ? ", did " + String.join(", ", e.did()) : ", never did " + String.join(", ", missing);
        }
        boolean met = l != null
                && (e.state() == null || e.state() == l.state())
                && (e.data() == null || e.data() == l.data())
                && (e.services() == null || e.services() == services)
                && missing.isEmpty();
        results.add(new ExpectResult(e, met, actual));
    }

    // ---------------------------------------------------------------------------------------------

    private void at(long t, Runnable r) {
        queue.add(new Ev(t, 0, seq++, r));
    }

    private boolean linked(String a, String b) {
        return !cut.contains(link(a, b));
    }

    private static String link(String a, String b) {
        return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
    }

    private void emit(String node, EngineEvent e) {
        if (++eventsSinceStep > MAX_EVENTS_PER_STEP) {
            if (fatal == null) {
                fatal = afterStep() + "led to more than " + MAX_EVENTS_PER_STEP + " events by " + seconds(now)
                        + " s: rules keep changing something; stopped";
            }
            return;
        }
        SimEvent se = new SimEvent(now, node, e);
        events.add(se);
        sink.accept(se);
    }

    /** {@code FILE:LINE: the step at T s }, naming the step the trouble followed. */
    private String afterStep() {
        if (lastStep == null) {
            return scenario.file() + ": the run ";
        }
        return scenario.file() + ":" + lastStep.line() + ": the step at " + seconds(lastStep.at()) + " s ";
    }

    static String seconds(long ms) {
        return BigDecimal.valueOf(ms).movePointLeft(3).setScale(3).toPlainString();
    }

    private static final class SimNode {
        final String name;
        final NodeConfig config;
        final EngineSetup setup;
        final RuleSet rules;
        final NodeStore store = new NodeStore.InMemory();
        final Set<String> failed = new TreeSet<>();
        SimNode peer;
        Engine engine;
        int incarnation;
        Heartbeat lastSent;
        long dataVersion;
        /** Between a freeze step and its end: what reaches the node waits in {@code held}. */
        boolean frozen;
        final List<Supplier<CycleOutcome>> held = new ArrayList<>();
        /** The virtual IP is on this node's interface (a node with {@code vip:} that took it and did not release it). */
        boolean holdsVip;
        /** Every action this node asked for, for the {@code did} expectations. */
        final Set<String> did = new TreeSet<>();

        SimNode(String name, NodeConfig config, EngineSetup setup, RuleSet rules) {
            this.name = name;
            this.config = config;
            this.setup = setup;
            this.rules = rules;
        }
    }
}
