package tandem.engine;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import tandem.facts.NodeState;

/**
 * The allowed state transitions of one profile, as data: read from the profile's descriptor
 * ({@code profiles/<profile>.yaml}, see {@link ProfileSpec}), enforced by the engine (a Decision
 * whose transition is not here is refused and logged) and rendered into the README's state diagram
 * of that profile (a test keeps the two equal), like pg_auto_failover's {@code KeeperFSM[]}.
 *
 * <p>What a profile decides is in its descriptor and its rules. What stays in Java are the
 * invariants no profile may change, because the rules rely on them to mean anything:
 * <ul>
 *   <li><b>The table is enforced.</b> The engine applies a state change only when it is in the
 *       node's table; any other is refused, logged at WARN and shown as refused, whichever rule asked.</li>
 *   <li><b>One state change per round of decisions.</b> A second one asked for in the same round is
 *       ignored and logged, so the rules see every state the node passes through.</li>
 *   <li><b>The single writer.</b> One thread owns a node's engine and its session; observations reach
 *       it through one queue, so decisions are made one observation at a time (jgroups-raft).</li>
 *   <li><b>Persist before acting.</b> The node's state, data state and generation are saved before
 *       the actions a decision asked for are handed to the routes, so a crash never leaves a node
 *       acting on a state it would not boot back into.</li>
 *   <li><b>A takeover starts a new generation.</b> Entering ALONE raises the node's generation by one
 *       (a rule may set it higher, never keep it), so the heartbeats tell every takeover from the one
 *       before it and an election never ranks a stale active node equal to the one that replaced it.</li>
 *   <li><b>STOP waits for an operator.</b> A node that must not start by itself (boot-start off) boots
 *       into STOP whatever the profile's initial state; only an operator's start leaves it.</li>
 *   <li><b>Bounded firing.</b> A rule that keeps re-firing, or rules that keep changing the node, stop
 *       the engine with an error naming them instead of spinning.</li>
 * </ul>
 *
 * @param initial the state every node of the profile boots into (STOP instead when the node must
 *                wait for an operator's start)
 * @param table   every allowed change and why it exists, in the descriptor's order
 */
public record Transitions(NodeState initial, List<Transition> table) {

    public Transitions {
        Objects.requireNonNull(initial, "initial");
        table = List.copyOf(table);
    }

    public Optional<Transition> find(NodeState from, NodeState to) {
        return table.stream().filter(t -> t.from() == from && t.to() == to).findFirst();
    }

    /** The states the table names, the initial one first. */
    public Set<NodeState> states() {
        Set<NodeState> states = new LinkedHashSet<>();
        states.add(initial);
        for (Transition t : table) {
            states.add(t.from());
            states.add(t.to());
        }
        return states;
    }

    /** The table as a Mermaid state diagram, as the README shows it. */
    public String mermaid() {
        StringBuilder sb = new StringBuilder("stateDiagram-v2\n");
        sb.append("    [*] --> ").append(initial).append(" : boot\n");
        for (Transition t : table) {
            sb.append("    ").append(t.from()).append(" --> ").append(t.to()).append(" : ").append(t.why()).append('\n');
        }
        return sb.toString();
    }
}
