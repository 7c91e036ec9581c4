package tandem.sim;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import tandem.engine.ActionPort.ActionRequest;
import tandem.engine.CycleOutcome;
import tandem.engine.Engine;
import tandem.engine.EngineEvent;
import tandem.engine.EngineSetup.ResourceSpec;
import tandem.engine.NodeStatus;
import tandem.engine.RulesException;
import tandem.facts.Activity;
import tandem.facts.DataState;
import tandem.facts.Heartbeat;
import tandem.facts.NodeState;
import tandem.facts.ProbeResult;
import tandem.facts.TransferDue;
import tandem.routes.Catalogue;

/**
 * Runs a scenario: both nodes' real engines with the real rules of their profile, in one thread, on
 * one virtual clock (jgroups-raft's PartitionedRaftCluster is the model). The network, the checkers
 * and the actions are simulated: heartbeats cross a virtual link that steps can cut, checkers report
 * what the steps made of each resource, and every action is the route of the node's catalogue that
 * carries it, whose bean steps the {@link SimulatedMachine} plays after the action's virtual duration.
 * An action no route of the node carries stops the run, as a command no route offers is refused.
 * Nothing depends on the wall clock or on hash order, so the same scenario gives the same output,
 * byte for byte.
 */
public final class Simulation {

    /** What a scenario run produced. {@code fatal} is a rules error that stopped it, or null. */
    public record Result(List<SimEvent> events, List<ExpectResult> expectations, String fatal) {
        public boolean passed() {
            return fatal == null && expectations.stream().allMatch(ExpectResult::met);
        }
    }

    /**
     * One expectation and what the node actually was at its time; an expectation the run did not reach
     * (it stopped before, on a rules error) is unmet, and {@code actual} says where the run stopped.
     */
    public record ExpectResult(Scenario.Expect expect, boolean met, String actual, boolean reached) {

        public ExpectResult(Scenario.Expect expect, boolean met, String actual) {
            this(expect, met, actual, true);
        }

        public String text() {
            return String.format(java.util.Locale.ROOT, "%9.3f expect %s: %s", expect.at() / 1000.0, expect.describe(),
                    met ? "ok" : reached ? "FAILED, was " + actual : "FAILED, not reached: " + actual);
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
    private final SimulatedMachine machine = new SimulatedMachine(this);
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
     * Loads the node configurations, compiles their rules and reads their routes' catalogues.
     *
     * @param home the installation directory holding profiles/, rules/ and routes/
     * @throws ScenarioException             when the two configurations do not form a pair, or the scenario
     *                                       names a resource, command or action a node lacks
     * @throws tandem.config.ConfigException when a configuration is invalid
     * @throws RulesException                when the rules do not compile
     * @throws tandem.engine.ProfileException when a node's profile has no valid descriptor
     */
    public static Simulation prepare(Scenario scenario, Path home) {
        return prepare(scenario, new Assembler(home));
    }

    /**
     * As {@link #prepare(Scenario, Path)}, with what {@code assembler} already compiled and read for an
     * earlier scenario of the same run.
     */
    public static Simulation prepare(Scenario scenario, Assembler assembler) {
        Simulation sim = new Simulation(scenario);
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Path> e : scenario.nodes().entrySet()) {
            sim.nodes.put(e.getKey(), new SimNode(e.getKey(), assembler.node(e.getValue())));
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
            if (s.kind().equals("fail") && s.action() != null) {
                SimNode n = sim.nodes.get(s.nodes().get(0));
                if (n.catalogue.action(s.action()).isEmpty()) {
                    problems.add(scenario.file() + ":" + s.line() + ": fail.action: " + n.name + " has no action \""
                            + s.action() + "\": no route " + Catalogue.ACTION_PREFIX + s.action() + " in " + folders(n));
                }
            }
            if (s.resource() != null) {
                SimNode n = sim.nodes.get(s.nodes().get(0));
                if (!n.setup.resources().containsKey(s.resource())) {
                    problems.add(scenario.file() + ":" + s.line() + ": " + s.kind() + ".resource: " + n.name
                            + " has no resource \"" + s.resource() + "\"; its resources: "
                            + String.join(", ", n.setup.resources().keySet()));
                }
            }
        }
        sim.checkNames(problems);
        if (!problems.isEmpty()) {
            throw new ScenarioException(problems);
        }
        a.peer = b;
        b.peer = a;
        return sim;
    }

    /**
     * The commands, the durations and the {@code did} expectations of the scenario name what the nodes'
     * routes carry: a command step a {@code command-<name>} route of its node, a duration and a
     * {@code did} an {@code action-<name>} route.
     */
    private void checkNames(List<String> problems) {
        for (Scenario.Step s : scenario.steps()) {
            if (s.kind().equals("command") && s.name() != null) {
                SimNode n = nodes.get(s.nodes().get(0));
                if (!n.catalogue.hasCommand(s.name())) {
                    problems.add(scenario.file() + ":" + s.line() + ": command.name: " + n.name + " has no command \""
                            + s.name() + "\": no route " + Catalogue.COMMAND_PREFIX + s.name() + " in " + folders(n)
                            + "; its commands: " + String.join(", ", n.catalogue.commands().keySet()));
                }
            }
        }
        for (Map.Entry<String, Integer> d : scenario.durationLines().entrySet()) {
            if (nodes.values().stream().noneMatch(n -> n.catalogue.action(d.getKey()).isPresent())) {
                problems.add(scenario.file() + ":" + d.getValue() + ": durations." + d.getKey() + ": no node has the"
                        + " action \"" + d.getKey() + "\": no route " + Catalogue.ACTION_PREFIX + d.getKey() + " in "
                        + String.join(" or ", nodes.values().stream().map(Simulation::folders).distinct().toList())
                        + "; their actions: " + String.join(", ", nodes.values().stream()
                        .flatMap(n -> n.catalogue.actions().keySet().stream()).distinct().sorted().toList()));
            }
        }
        for (Scenario.Expect e : scenario.expects()) {
            SimNode n = nodes.get(e.node());
            for (String a : e.did()) {
                if (n.catalogue.action(a).isEmpty()) {
                    problems.add(scenario.file() + ":" + e.line() + ": did: " + n.name + " has no action \"" + a
                            + "\": no route " + Catalogue.ACTION_PREFIX + a + " in " + folders(n));
                }
            }
            if (e.command() != null && !n.catalogue.hasCommand(e.command())) {
                problems.add(scenario.file() + ":" + e.line() + ": " + (e.accepted() ? "accepted" : "refused") + ": "
                        + n.name + " has no command \"" + e.command() + "\": no route " + Catalogue.COMMAND_PREFIX
                        + e.command() + " in " + folders(n));
            }
        }
    }

    /** The node's route folders, for messages. */
    private static String folders(SimNode n) {
        return String.join(", ", n.routeFolders.stream().map(Path::toString).toList());
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
        // expectations are checked in the order of their times, so those a fatal error kept from being
        // checked follow the last one checked
        List<Scenario.Expect> expects = scenario.expects();
        for (Scenario.Expect e : expects.subList(results.size(), expects.size())) {
            results.add(new ExpectResult(e, false, "the run stopped at " + seconds(now) + " s", false));
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
            case "command" -> command(nodes.get(s.nodes().get(0)), s.name(), "scenario", s.args());
            case "fail" -> {
                SimNode n = nodes.get(s.nodes().get(0));
                if (s.action() != null) {
                    n.failing.merge(s.action(), s.times(), Integer::sum);
                    emit(n.name, EngineEvent.log(null, "action " + s.action() + " fails "
                            + (n.failing.get(s.action()) == 1 ? "its next run" : "its next " + n.failing.get(s.action())
                            + " runs")));
                    return;
                }
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
        // what a node keeps in its state folder outlives its crash: a rollback's progress (RED-12)
        if (n.rollback != null) {
            n.engine.recall(n.rollback.asResumed());
        }
        n.engine.keeping(tandem.facts.RollbackProgress.class, p -> n.rollback = p);
        call(n, () -> n.engine.boot(!n.config.node().bootStart()));
        // a simulated node's link listens from its boot on
        call(n, () -> n.engine.linkListening());
        heartbeatLoop(n, inc, now);
        checkLoop(n, inc, now + n.config.timings().checkInterval().toMillis());
        replicationLoop(n, inc, now + n.config.replication().interval().toMillis());
        n.bootedAt = now;
        if (n.schedule != null) {
            transferLoop(n, inc, now + n.config.timings().checkInterval().toMillis());
        }
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

    void crash(SimNode n) {
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

    /** A command reaches the node's route {@code command-<name>}, or is refused when it has none. */
    void command(SimNode n, String name, String origin) {
        command(n, name, origin, Map.of());
    }

    /** {@link #command(SimNode, String, String)} with the command's arguments, as the rules see them. */
    void command(SimNode n, String name, String origin, Map<String, String> args) {
        if (n.engine == null) {
            emit(n.name, EngineEvent.log(null, "command " + name + " not delivered: the node is down"));
            return;
        }
        if (!n.catalogue.hasCommand(name)) {
            emit(n.name, EngineEvent.log(null, "command " + name + " from " + origin + " refused: no route "
                    + Catalogue.COMMAND_PREFIX + name + " in " + folders(n)));
            return;
        }
        call(n, () -> {
            CycleOutcome out = n.engine.command(name, origin, args);
            out.answers().forEach(a -> n.answers.put(a.command(), a));
            return out;
        });
    }

    private void write(SimNode n, String path, long bytes) {
        if (n.engine == null) {
            emit(n.name, EngineEvent.log(null, "write to " + path + " lost: the node is down"));
            return;
        }
        NodeState st = n.status().state();
        if (!st.active()) {
            emit(n.name, EngineEvent.log(null, "write to " + path + " refused: the node is " + st
                    + " and only the active node runs the application"));
            return;
        }
        n.dataVersion++;
        SimNode p = n.peer;
        boolean replicated = !n.frozen && p.answers() && linked(n.name, p.name)
                && p.status().state() == NodeState.SECOND && p.status().data() == DataState.UPTODATE;
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

    /**
     * The transfer timer of a redundancy active (route {@code transfer-timer}): every check interval it
     * asks the schedule, as {@link tandem.redundancy.BackupTransfer#dueAt} does for {@code due()}, whether a run at or
     * before now has not started, and observes a {@link TransferDue} while one has not. The virtual time
     * t is the instant {@link #instant(long) t ms after 01.01.1970 00:00 UTC}.
     */
    private void transferLoop(SimNode n, int inc, long t) {
        at(t, () -> {
            if (n.incarnation != inc) {
                return;
            }
            if (!n.frozen) {
                tandem.redundancy.BackupTransfer.dueAt(n.schedule, n.transferRun, instant(n.bootedAt), instant(now), now)
                        .ifPresent(due -> call(n, () -> n.engine.transferDue(due)));
            }
            if (n.incarnation == inc) {
                transferLoop(n, inc, t + n.config.timings().checkInterval().toMillis());
            }
        });
    }

    /** The wall-clock instant of virtual time {@code t}: the virtual clock starts at 01.01.1970 00:00 UTC. */
    static java.time.Instant instant(long t) {
        return java.time.Instant.ofEpochMilli(t);
    }

    /** SBS-2: a pull tells the standby which services its active peer runs, once they run (settled). */
    void reportServices(SimNode active, SimNode standby) {
        if (active.engine != null && active.engine.services().running() && standby.engine != null) {
            List<String> names = active.config.services().stream().map(tandem.config.Service::name).toList();
            call(standby, () -> standby.engine.peerServices(new tandem.facts.PeerServices(names)));
        }
    }

    private boolean probe(SimNode n, String resource) {
        if (n.failed.contains(resource)) {
            return false;
        }
        if (resource.equals(tandem.checks.VipCheck.HELD)) {
            // the node's own check of its virtual IP: what the simulated machine holds
            return n.holdsVip;
        }
        if (resource.startsWith("link.")) {
            // a simulated pair has one link: it is up while frames from the peer arrive
            return n.peer.engine != null && linked(n.name, n.peer.name);
        }
        ResourceSpec spec = n.setup.resources().get(resource);
        if (spec != null && spec.peerHost()) {
            // a probe of the peer's host (ping, its SSH port) answers while that host runs and the link
            // is up, whatever its Tandem does: a frozen Tandem's host still answers, a crashed one does not
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

    /**
     * The engine asked for an action: the node's route for it plays on the simulated machine after the
     * action's virtual duration, and its result goes back to the engine. An action no route of the node
     * carries stops the run: a running node could not carry it out either.
     */
    private void onAction(SimNode n, int inc, ActionRequest req) {
        n.did.add(req.action());
        Catalogue.Action route = n.catalogue.action(req.action()).orElse(null);
        if (route == null) {
            String rule = n.rules.fileOf(req.rule()).map(f -> f + ": ").orElse("") + "rule \"" + req.rule() + "\"";
            String why = rule + " asks for action \"" + req.action() + "\", which no route carries: no route "
                    + Catalogue.ACTION_PREFIX + req.action() + " in " + folders(n);
            if (fatal == null) {
                fatal = n.name + " at " + seconds(now) + " s: " + why;
            }
            emit(n.name, EngineEvent.log(null, "engine stopped: " + why));
            return;
        }
        machine.starting(n, route);
        at(now + SimulatedMachine.duration(scenario, route), () -> {
            if (n.incarnation == inc) {
                call(n, () -> n.engine.actionResult(machine.perform(n, route)));
            }
        });
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
        NodeStatus l = n.status();
        Activity services = l == null ? null : l.activity();
        String actual = l == null ? "down" : l.state() + ", " + l.data().label() + ", services "
                + services.name().toLowerCase(java.util.Locale.ROOT);
        List<String> missing = e.did().stream().filter(a -> !n.did.contains(a)).toList();
        if (!e.did().isEmpty()) {
            actual += missing.isEmpty() ? ", did " + String.join(", ", e.did()) : ", never did " + String.join(", ", missing);
        }
        boolean answerMet = true;
        if (e.command() != null) {
            CycleOutcome.CommandAnswer a = n.answers.get(e.command());
            answerMet = a != null && a.accepted() == e.accepted() && (e.reason() == null || a.reason().contains(e.reason()));
            actual += a == null ? ", never answered " + e.command()
                    : ", " + (a.accepted() ? "accepted " : "refused ") + e.command() + ": " + a.reason();
        }
        boolean met = l != null
                && (e.state() == null || e.state() == l.state())
                && (e.data() == null || e.data() == l.data())
                && (e.services() == null || e.services() == services)
                && missing.isEmpty() && answerMet;
        results.add(new ExpectResult(e, met, actual));
    }

    // ---------------------------------------------------------------------------------------------

    /** The virtual time now. */
    long now() {
        return now;
    }

    void at(long t, Runnable r) {
        queue.add(new Ev(t, 0, seq++, r));
    }

    boolean linked(String a, String b) {
        return !cut.contains(link(a, b));
    }

    private static String link(String a, String b) {
        return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
    }

    void emit(String node, EngineEvent e) {
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
}
