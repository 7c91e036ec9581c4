package tandem.engine;

import tandem.facts.DataState;
import tandem.facts.NodeState;

/** The part of a node's state that survives a crash. */
public record PersistedNode(NodeState state, DataState data, long generation) {
}
