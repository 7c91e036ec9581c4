package tandem.node;

/** The management interface of {@link NodeMBean}: what JMX and Hawtio show of a node. */
public interface TandemNodeMBean {
    String getState();

    String getDataState();

    long getGeneration();

    String getPeerState();

    /** The operator commands this node has: its command routes. */
    String[] getCommands();

    /**
     * An operator command (one of {@link #getCommands}), answered by the rules: "accepted: reason" or
     * "refused: reason". A name the node has no route for is refused, naming the ones it has.
     */
    String command(String name);
}
