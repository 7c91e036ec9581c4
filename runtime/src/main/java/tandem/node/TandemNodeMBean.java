package tandem.node;

/** The management interface of {@link NodeMBean}: what JMX and Hawtio show of a node. */
public interface TandemNodeMBean {
    String getState();

    String getDataState();

    long getGeneration();

    String getPeerState();

    /** Operator start (MS-2): a stopped node waits for its peer and rejoins. */
    String start();

    /** Operator stop (MS-2): the node stops its services; its peer takes over. */
    String stop();

    /** Swap (MS-2): the roles of the pair are exchanged. */
    String swap();

    /** The confirmed override for a waiting node whose data is not uptodate; audited. */
    String forceStart();

    /** A full replication cycle now (on the secondary, or asked of it by the primary). */
    String sync();

    /** Operator command test-mail (SBS-8): a test of the mail settings; the answer says whether it was accepted. */
    String testMail();
}
