package tandem.engine;

import tandem.facts.NodeState;

/** One allowed state change and why it exists. */
public record Transition(NodeState from, NodeState to, String why) {
}
