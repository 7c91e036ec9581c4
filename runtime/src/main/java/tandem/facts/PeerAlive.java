package tandem.facts;

/**
 * Derived (classify.drl, insertLogical): the peer was heard within the failover timeout, and this is
 * what it last said. Holds no times, so it stays the same fact while the peer's state does not change.
 */
public record PeerAlive(NodeState state, DataState data, long generation, boolean holding, int priority) {

    public boolean uptodate() {
        return data == DataState.UPTODATE;
    }
}
