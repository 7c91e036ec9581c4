package tandem.transfer;

import tandem.TandemException;

/**
 * A transfer or remote command that did not complete. The message says which step failed and what
 * the operator can do about it; {@link #step()} lets a caller (an attempt counter, a status line)
 * tell a refused host key from a network error without parsing the text.
 */
public class TransferException extends TandemException {
    /** The step that failed, in the order a transfer runs them. */
    public enum Step {
        /** reading the known_hosts file or the private key on this node */
        LOCAL,
        /** the TCP connection or the SSH handshake */
        CONNECT,
        /** the server's host key is unknown, changed or revoked */
        HOST_KEY,
        /** the login (password or key) was refused */
        AUTH,
        /** writing the file on the server */
        UPLOAD,
        /** the SHA-256 on the server differs from the one computed here, or could not be computed */
        VERIFY,
        /** moving the verified file onto its final name */
        RENAME,
        /** a remote command failed to run or ran out of time */
        COMMAND
    }

    private final Step step;

    public TransferException(Step step, String message) {
        super(message);
        this.step = step;
    }

    public TransferException(Step step, String message, Throwable cause) {
        super(message, cause);
        this.step = step;
    }

    public Step step() {
        return step;
    }
}
