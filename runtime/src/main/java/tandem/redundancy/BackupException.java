package tandem.redundancy;

import tandem.TandemException;

/** A backup that could not be created, or whose lock could not be taken in time (RED-1, RED-5). */
public class BackupException extends TandemException {
    public BackupException(String message) {
        super(message);
    }

    public BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
