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
 */
public record Settings(String nodeId, String peerId, int priority, long failoverTimeoutMs, int rise, int fall,
                       String witnessResource, boolean externalDatabase) {

    public boolean witness() {
        return witnessResource != null;
    }
}
