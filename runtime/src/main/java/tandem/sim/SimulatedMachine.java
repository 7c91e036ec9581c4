package tandem.sim;

import java.util.List;
import java.util.Map;
import tandem.engine.EngineEvent;
import tandem.engine.EngineSetup.ResourceSpec;
import tandem.engine.NodeStatus;
import tandem.facts.ActionResult;
import tandem.facts.NodeState;
import tandem.routes.Catalogue;
import tandem.routes.Catalogue.BeanCall;

/**
 * The simulated machine under the nodes: what the bean steps of an action's route do in a simulation.
 * An action is the route {@code direct:action-<name>} that carries it (routes/README.md); the
 * simulation runs that route's bean steps in order, each modelled by what the real bean does to the
 * pair (services started, the address held, data copied, the peer fenced, a command passed on), and
 * the first step that fails fails the action. A step on a bean this class does not model (a site's own
 * bean) and a route's other steps (a mail sent with {@code to: smtp:}) change nothing here, so such an
 * action succeeds. Which action does what is the routes' to say: no action name is spelled here.
 */
final class SimulatedMachine {

    /**
     * The beans modelled, as {@code ref.method}, with the virtual time each takes when the scenario does
     * not give the duration of the action that calls it.
     */
    static final Map<String, Long> TAKES = Map.ofEntries(
            Map.entry("services.start", 5_000L),
            Map.entry("services.startReported", 5_000L),
            Map.entry("services.stop", 2_000L),
            Map.entry("vip.up", 0L),
            Map.entry("vip.takeOver", 0L),
            Map.entry("vip.down", 0L),
            Map.entry("replication.resync", 3_000L),
            Map.entry("replication.sync", 1_000L),
            Map.entry("replication.finalSync", 1_000L),
            Map.entry("boot.on", 0L),
            Map.entry("boot.off", 0L),
            Map.entry("fencing.fence", 2_000L),
            Map.entry("peer.forward", 0L),
            Map.entry("mail.send", 0L),
            Map.entry("mail.sendToUsers", 0L),
            Map.entry("rollback.backup", 30_000L),
            Map.entry("rollback.importOriginal", 60_000L),
            Map.entry("rollback.restore", 10_000L),
            Map.entry("transfers.begin", 0L),
            Map.entry("transfers.create", 30_000L),
            Map.entry("transfers.upload", 60_000L),
            Map.entry("transfers.importOnStandby", 60_000L),
            Map.entry("transfers.done", 0L));

    private final Simulation sim;

    SimulatedMachine(Simulation sim) {
        this.sim = sim;
    }

    /** Whether the simulation models the bean step {@code call}. */
    static boolean models(BeanCall call) {
        return TAKES.containsKey(call.toString());
    }

    /**
     * The virtual time {@code action} takes: the scenario's {@code durations} entry for it; else what
     * the modelled bean steps of its route take together; else, for a route that calls none, the
     * scenario's {@code default-duration}.
     */
    static long duration(Scenario scenario, Catalogue.Action action) {
        Long given = scenario.durations().get(action.name());
        if (given != null) {
            return given;
        }
        List<BeanCall> modelled = action.calls().stream().filter(SimulatedMachine::models).toList();
        return modelled.isEmpty() ? scenario.defaultDuration()
                : modelled.stream().mapToLong(c -> TAKES.get(c.toString())).sum();
    }

    /**
     * The action starts on node {@code n}: the bean steps that act at once play now, the others after
     * the action's duration ({@link #perform}). {@code transfers.begin} marks the schedule's latest run
     * as started (the real bean writes {@code transfer-run.json} then), so a run that falls due while
     * the transfer is under way is due after it.
     */
    void starting(SimNode n, Catalogue.Action action) {
        for (BeanCall c : action.calls()) {
            if (c.toString().equals("transfers.begin")) {
                n.transferRun = tandem.redundancy.BackupTransfer.runStarting(java.util.Optional.ofNullable(n.schedule),
                        Simulation.instant(sim.now()));
            }
        }
    }

    /**
     * Runs the bean steps of {@code action}'s route on node {@code n} and says how the action ended. An
     * action a scenario's fail step made fail fails as a whole, without its steps: for an action the
     * route tries several times (a backup transfer's attempts), it stands for every attempt failing.
     */
    ActionResult perform(SimNode n, Catalogue.Action action) {
        Integer failing = n.failing.get(action.name());
        if (failing != null) {
            if (failing == 1) {
                n.failing.remove(action.name());
            } else {
                n.failing.put(action.name(), failing - 1);
            }
            return new ActionResult(action.name(), false, action.name() + " failed (simulated: the scenario's fail"
                    + " step; every attempt failed)", sim.now());
        }
        for (BeanCall c : action.calls()) {
            Step s = step(n, c);
            if (!s.ok()) {
                return new ActionResult(action.name(), false, s.detail(), sim.now(), s.finding());
            }
        }
        return new ActionResult(action.name(), true, "done (simulated)", sim.now());
    }

    /** What one bean step did: ok, or why it did not do its work and what it found for the rules. */
    private record Step(boolean ok, String detail, String finding) {
        static final Step DONE = new Step(true, "", "");

        static Step failed(String why) {
            return new Step(false, why, "");
        }
    }

    private Step step(SimNode n, BeanCall c) {
        SimNode p = n.peer;
        switch (c.toString()) {
            case "services.start", "services.startReported": {
                for (ResourceSpec r : n.setup.resources().values()) {
                    if (r.activeOnly() && r.critical() && n.failed.contains(r.resource())) {
                        return Step.failed("cannot start: " + r.resource() + " is failed (service disabled)");
                    }
                }
                return Step.DONE;
            }
            case "vip.up": {
                if (n.config.vip().isPresent() && !n.holdsVip && p.holdsVip && p.engine != null
                        && sim.linked(n.name, p.name)) {
                    // the duplicate address probe is answered by the peer's MAC: a finding for the rules
                    return new Step(false, n.config.vip().get().address() + " is still held by the peer " + p.name
                            + " (simulated)", ActionResult.VIP_HELD_BY_PEER);
                }
                n.holdsVip |= n.config.vip().isPresent();
                return Step.DONE;
            }
            case "vip.takeOver": {
                n.holdsVip |= n.config.vip().isPresent();
                return Step.DONE;
            }
            case "vip.down": {
                n.holdsVip = false;
                return Step.DONE;
            }
            case "replication.resync", "replication.sync": {
                // the standby pulls from the active peer: a full comparison or what is due
                if (!p.answers() || !sim.linked(n.name, p.name)) {
                    return Step.failed("peer " + p.name + " unreachable");
                }
                NodeState st = p.status().state();
                if (!st.active()) {
                    return Step.failed("peer " + p.name + " is " + st + ", not active");
                }
                n.dataVersion = p.dataVersion;
                sim.reportServices(p, n);
                return Step.DONE;
            }
            case "replication.finalSync": {
                // the standby pulls a last time: the active node waits for it
                if (!p.answers() || !sim.linked(n.name, p.name)) {
                    return Step.failed("the standby " + p.name + " is gone; stopping without a last cycle");
                }
                NodeStatus ps = p.status();
                if (ps.state() != NodeState.SECOND) {
                    return Step.failed("the standby " + p.name + " is " + ps.state());
                }
                p.dataVersion = n.dataVersion;
                return Step.DONE;
            }
            case "fencing.fence": {
                // the simulated fence always works: the peer's Tandem and services are gone (power off)
                if (p.engine != null) {
                    sim.at(sim.now(), () -> {
                        sim.emit(p.name, EngineEvent.log(null, "fenced by " + n.name));
                        sim.crash(p);
                    });
                }
                return Step.DONE;
            }
            case "transfers.upload", "transfers.importOnStandby": {
                // the standby's SSH answers while its host runs (its Tandem may be frozen or stopped)
                if (p.engine == null || !sim.linked(n.name, p.name)) {
                    return Step.failed("the backup transfer to the standby failed: the standby " + p.name
                            + " does not answer on its SSH port (simulated)");
                }
                return Step.DONE;
            }
            case "peer.forward": {
                List<String> literals = c.literals();
                if (literals.isEmpty()) {
                    return Step.failed("peer.forward names no command: write it as an argument, e.g."
                            + " forward(${body}, 'swap')");
                }
                if (p.engine == null || !sim.linked(n.name, p.name)) {
                    return Step.failed("peer " + p.name + " unreachable");
                }
                String command = literals.get(0);
                sim.at(sim.now(), () -> sim.command(p, command, "peer " + n.name));
                return Step.DONE;
            }
            default:
                // services.stop, boot.on/off, mail.send, mail.sendToUsers, the rollback's backup, import and
                // restore and the transfer's begin (played at the start), create and done change nothing the
                // simulation looks at; a bean it does not model (a site's own) does
                // nothing here
                return Step.DONE;
        }
    }
}
