package tandem.facts;

/**
 * The configuration values the rules read, as one fact.
 *
 * @param nodeId            this node's id
 * @param peerId            the peer's id
 * @param priority          tie-break when both nodes claim the active role (higher wins)
 * @param failoverTimeoutMs how long without availability before the peer or a resource counts as failed (MS-3)
 * @param rise              consecutive good checks before a resource counts as up
 * @param fall              consecutive failed checks before a resource counts as down
 * @param witnessResource   the resource that probes the witness address, or null when no witness is configured
 * @param externalDatabase  MS-5: the database is outside the cluster, neither monitored nor replicated
 * @param primaryOnly       sbs {@code role: primary-only} (SBS-3): the main server
 * @param backupOnly        sbs {@code role: backup-only} (SBS-3): the backup server
 * @param backupLicense     sbs {@code backup-license} (SBS-12)
 * @param answerWaitMs      how long a node that just started waits to hear its peer before it counts the
 *                          peer as not answering (sbs: three heartbeats, SBS-1's connection attempt;
 *                          elsewhere the failover timeout)
 * @param mail              whether notices can be mailed ({@code mail:} is configured)
 * @param rejoinWaitMs      how long a node that stepped down when it was cut off waits, once the witness
 *                          answers again, for its peer to be heard before it goes alone: the failover
 *                          timeout plus the longest the peer link's dial may wait (after a heal the link
 *                          needs up to that long to carry frames both ways again, the witness does not)
 * @param fencing           {@code fencing:} is configured: a node fences its silent peer before it takes over
 */
public record Settings(String nodeId, String peerId, int priority, long failoverTimeoutMs, int rise, int fall,
                       String witnessResource, boolean externalDatabase, boolean primaryOnly, boolean backupOnly,
                       boolean backupLicense, long answerWaitMs, boolean mail, long rejoinWaitMs, boolean fencing) {

    /** Settings without fencing. */
    public Settings(String nodeId, String peerId, int priority, long failoverTimeoutMs, int rise, int fall,
                    String witnessResource, boolean externalDatabase, boolean primaryOnly, boolean backupOnly,
                    boolean backupLicense, long answerWaitMs, boolean mail, long rejoinWaitMs) {
        this(nodeId, peerId, priority, failoverTimeoutMs, rise, fall, witnessResource, externalDatabase, primaryOnly,
                backupOnly, backupLicense, answerWaitMs, mail, rejoinWaitMs, false);
    }

    /** Settings without the sbs options, waiting the failover timeout for an answer and a rejoin, without mail. */
    public Settings(String nodeId, String peerId, int priority, long failoverTimeoutMs, int rise, int fall,
                    String witnessResource, boolean externalDatabase) {
        this(nodeId, peerId, priority, failoverTimeoutMs, rise, fall, witnessResource, externalDatabase, false, false,
                false, failoverTimeoutMs, false, failoverTimeoutMs);
    }

    public boolean witness() {
        return witnessResource != null;
    }
}
