package tandem.replication;

/** A sync cycle that could not finish; the message says why in words an operator can act on. */
public final class SyncException extends Exception {
    public SyncException(String message) {
        super(message);
    }

    public SyncException(String message, Throwable cause) {
        super(message, cause);
    }
}
