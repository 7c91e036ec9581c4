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

    /**
     * An operator command with arguments, answered as {@link #command(String)}. {@code args} is one string,
     * so that Hawtio's operation form and a plain Jolokia {@code exec} can give it: {@code file=F,confirm}
     * (comma-separated, a name alone is a flag with the value "true"), or a JSON object
     * {@code {"file": "F", "confirm": "true"}} for values that hold a comma; blank for none.
     *
     * @throws IllegalArgumentException when {@code args} does not parse, or names an argument not of the
     *                                  shape {@link tandem.facts.CommandArgs} allows (the message names it)
     */
    String command(String name, String args);

    /**
     * An operator command with arguments (as {@link #command(String, String)}), then waits at most
     * {@code timeoutSeconds} for the actions it started: "NAME done: ACTIONS" when they all succeeded,
     * "NAME failed: ACTION failed: WHY", "refused: reason", or "NAME running after N s: waiting for ACTIONS".
     */
    String commandAndWait(String name, String args, int timeoutSeconds);

    /** What became of an accepted command, by the ticket its answer named: "NAME done|failed|running: ...". */
    String commandOutcome(long ticket);
}
