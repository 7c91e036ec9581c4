package tandem.facts;

/**
 * This node as the engine last set it: the one fact the engine replaces after every applied decision.
 *
 * @param state      node state
 * @param data       data state
 * @param generation increased at every takeover (entering ALONE); copied from the peer after a resync
 * @param activity   what the managed services are doing
 * @param since      session time of the last state change
 */
public record LocalNode(NodeState state, DataState data, long generation, Activity activity, long since) {

    public boolean uptodate() {
        return data == DataState.UPTODATE;
    }

    public boolean holding() {
        return activity.holding();
    }

    public LocalNode withState(NodeState s, long at) {
        return new LocalNode(s, data, generation, activity, at);
    }

    public LocalNode withData(DataState d) {
        return new LocalNode(state, d, generation, activity, since);
    }

    public LocalNode withGeneration(long g) {
        return new LocalNode(state, data, g, activity, since);
    }

    public LocalNode withActivity(Activity a) {
        return new LocalNode(state, data, generation, a, since);
    }
}
