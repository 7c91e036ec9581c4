package tandem.facts;

/**
 * This node as the engine last set it: the one fact the engine replaces after every applied decision
 * that changes the node. What the managed services do is a fact of its own ({@link Services}).
 *
 * @param state      node state
 * @param data       data state
 * @param generation increased at every takeover (entering ALONE); copied from the peer after a resync
 * @param since      session time of the last state change
 */
public record LocalNode(NodeState state, DataState data, long generation, long since) {

    public boolean uptodate() {
        return data == DataState.UPTODATE;
    }

    public LocalNode withState(NodeState s, long at) {
        return new LocalNode(s, data, generation, at);
    }

    public LocalNode withData(DataState d) {
        return new LocalNode(state, d, generation, since);
    }

    public LocalNode withGeneration(long g) {
        return new LocalNode(state, data, g, since);
    }
}
