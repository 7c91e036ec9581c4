package tandem.facts;

/**
 * The node states of a mirror cluster (MS-2). Only PRIM and ALONE run the managed services and hold
 * the virtual IP; SECOND receives the replication; WAIT is the state of a node that is booting,
 * stopping or waiting for its peer; STOP is a node an operator stopped.
 */
public enum NodeState {
    STOP, WAIT, ALONE, PRIM, SECOND;

    /** True for the states that run the application: PRIM and ALONE. */
    public boolean active() {
        return this == PRIM || this == ALONE;
    }
}
