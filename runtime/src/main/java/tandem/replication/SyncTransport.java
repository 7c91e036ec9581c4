package tandem.replication;

/** Carries one request of the standby to the active node and brings back its reply. */
public interface SyncTransport {
    /**
     * Sends {@code request} and returns the reply once it is checked: it answers this request (session
     * and sequence) and says ok.
     *
     * @throws SyncException when the active node cannot be reached, or refused (its reason)
     */
    SyncMessage request(SyncMessage request) throws SyncException;
}
