package tandem.engine;

import java.util.List;
import java.util.Optional;
import tandem.facts.NodeState;

import static tandem.facts.NodeState.ALONE;
import static tandem.facts.NodeState.PRIM;
import static tandem.facts.NodeState.SECOND;
import static tandem.facts.NodeState.STOP;
import static tandem.facts.NodeState.WAIT;

/**
 * The allowed state transitions, as data: the single source of truth the engine enforces (a Decision
 * whose transition is not here is refused and logged) and from which the README's state diagram is
 * rendered (a test keeps the two equal). Modelled on the mirror cluster of the ms-failover manual
 * (MS-2): a node boots into WAIT; only WAIT leads into the pair; PRIM and SECOND are never swapped
 * directly, the active node always passes through WAIT so that it has stopped its services first.
 */
public final class Transitions {

    /** The state every node boots into. */
    public static final NodeState INITIAL = WAIT;

    public static final List<Transition> TABLE = List.of(
            new Transition(WAIT, ALONE, "peer silent or stopped and data uptodate, or won the election"),
            new Transition(WAIT, SECOND, "peer is active, so join it and resync"),
            new Transition(WAIT, STOP, "services stopped after an operator stop or a failure"),
            new Transition(STOP, WAIT, "operator start"),
            new Transition(SECOND, ALONE, "primary lost or stepped down, so take over"),
            new Transition(SECOND, WAIT, "operator stop, or primary lost while not uptodate"),
            new Transition(PRIM, ALONE, "secondary lost, replication stops"),
            new Transition(PRIM, WAIT, "operator stop or swap, failed resource, or isolated"),
            new Transition(ALONE, PRIM, "secondary is uptodate again"),
            new Transition(ALONE, WAIT, "operator stop, failed resource, or lost a split brain"));

    private Transitions() {
    }

    public static Optional<Transition> find(NodeState from, NodeState to) {
        return TABLE.stream().filter(t -> t.from() == from && t.to() == to).findFirst();
    }

    /** The table as a Mermaid state diagram, as the README shows it. */
    public static String mermaid() {
        StringBuilder sb = new StringBuilder("stateDiagram-v2\n");
        sb.append("    [*] --> ").append(INITIAL).append(" : boot\n");
        for (Transition t : TABLE) {
            sb.append("    ").append(t.from()).append(" --> ").append(t.to()).append(" : ").append(t.why()).append('\n');
        }
        return sb.toString();
    }
}
