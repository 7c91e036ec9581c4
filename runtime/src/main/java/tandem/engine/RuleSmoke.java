package tandem.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tandem.facts.ActionResult;
import tandem.facts.Activity;
import tandem.facts.DataState;
import tandem.facts.Heartbeat;
import tandem.facts.NodeState;

/**
 * What {@code tandem check} does with rules that compile: runs them on a pseudo clock once from every
 * state of the transition table, with every action answered at once and successfully. In each state
 * the node first hears its peer (in the state that goes with it: a secondary for a primary, a primary
 * for a secondary, a waiting peer otherwise), then nothing from it for a failover timeout, and at the
 * end gets every operator command. A rule that keeps re-firing, rules that keep undoing each other, and
 * a rule that asks for an action again and again (the loop guard suspends it) show up here as an
 * error naming the rule and its file, instead of in a running node; a rule that loops only in PRIM is
 * caught as surely as one that loops in WAIT. It proves nothing about the policy itself: that is what
 * the profile's scenarios do.
 */
public final class RuleSmoke {

    /** How many looks the silence of the peer gets over one failover timeout. */
    static final int SILENCE_STRIDES = 6;

    /** Answers to actions in one run beyond which the rules are taken to ask for actions without end. */
    static final int MAX_ANSWERS = 100_000;

    private RuleSmoke() {
    }

    /** The states to start from: every state of the node's transition table. */
    static Set<NodeState> states(Transitions table) {
        Set<NodeState> states = new LinkedHashSet<>();
        states.add(table.initial());
        for (Transition t : table.table()) {
            states.add(t.from());
            states.add(t.to());
        }
        return states;
    }

    /**
     * Empty when the rules ran; otherwise the problems, each naming the file of the rule at fault.
     *
     * @param commands the operator commands a node offers; each is tried in every state
     */
    public static List<String> run(RuleSet rules, EngineSetup setup, long checkIntervalMs, java.util.Collection<String> commands) {
        // the same fault reached from two states (ALONE becomes PRIM) is one problem, named once
        Map<String, NodeState> problems = new LinkedHashMap<>();
        for (NodeState state : states(setup.transitions())) {
            for (String p : runFrom(state, rules, setup, checkIntervalMs, commands)) {
                problems.putIfAbsent(p, state);
            }
        }
        return problems.entrySet().stream().map(p -> p.getKey().replace("{start}", p.getValue().name())).toList();
    }

    private static List<String> runFrom(NodeState state, RuleSet rules, EngineSetup setup, long checkIntervalMs,
                                        java.util.Collection<String> commands) {
        long step = Math.max(1, checkIntervalMs);
        long timeout = setup.settings().failoverTimeoutMs();
        Deque<String> asked = new ArrayDeque<>();
        try (Engine e = new Engine(rules.kieBase(), setup, true, new NodeStore.InMemory(), r -> asked.add(r.action()),
                ev -> { })) {
            Answers answers = new Answers(e, asked);
            Activity services = state.active() ? Activity.RUNNING : Activity.STOPPED;
            e.bootInto(state, DataState.UPTODATE, 1, services);
            answers.all();
            e.linkListening();
            answers.all();
            // the peer talks for a few checks, then falls silent for the failover timeout and more; the
            // silence is looked at in a few strides, not at every check (a loop needs no time to show:
            // every action is answered at once), so that check stays quick
            long t = 0;
            for (; t <= 3 * step; t += step) {
                e.advanceTo(t);
                e.heartbeat(partner(state, setup, t));
                answers.all();
                e.tick();
                answers.all();
            }
            long lastHeard = t - step;
            long stride = Math.max(step, timeout / SILENCE_STRIDES);
            for (t = lastHeard + stride; t <= lastHeard + timeout + 3 * step; t += stride) {
                e.advanceTo(t);
                e.tick();
                answers.all();
            }
            for (String command : commands) {
                e.command(command, "check");
                answers.all();
            }
            List<String> problems = new ArrayList<>();
            for (Map.Entry<String, String> s : e.suspended().entrySet()) {
                String where = rules.fileOf(s.getKey()).map(f -> f + ": ").orElse("");
                problems.add(where + s.getValue() + ", started in {start} with every action answered at once:"
                        + " the rule loops");
            }
            return problems;
        } catch (RulesException ex) {
            return rules.locate(ex).stream().map(p -> p + " (started in {start})").toList();
        }
    }

    /** The peer that goes with a node in {@code state}, as its heartbeat at {@code t}. */
    private static Heartbeat partner(NodeState state, EngineSetup setup, long t) {
        String peer = setup.settings().peerId();
        return switch (state) {
            case PRIM, ALONE -> new Heartbeat(peer, NodeState.SECOND, DataState.UPTODATE, 1, false, 0, t);
            case SECOND -> new Heartbeat(peer, NodeState.PRIM, DataState.UPTODATE, 1, true, 0, t);
            case WAIT, STOP -> new Heartbeat(peer, NodeState.WAIT, DataState.UPTODATE, 0, false, 0, t);
        };
    }

    /** Answers every action asked for, at once and successfully, until none is left. */
    private record Answers(Engine engine, Deque<String> asked) {
        void all() {
            int n = 0;
            while (!asked.isEmpty()) {
                if (++n > MAX_ANSWERS) {
                    throw new RulesException(List.of("the rules keep asking for actions: more than " + MAX_ANSWERS
                            + " answered in one run, the last " + asked.peekLast()));
                }
                engine.actionResult(new ActionResult(asked.removeFirst(), true, "done (check)", engine.now()));
            }
        }
    }
}
