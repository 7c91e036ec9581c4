package tandem.sync;

import java.io.IOException;

/**
 * A path from the peer (or a folder on disk) that Tandem refuses to write to because it could reach
 * outside the replicated folder: {@code ..}, an absolute path, a symbolic link on the way, a control
 * character. The message says which path and why; the caller logs it as an attack, since the primary
 * never sends such a path on its own.
 */
public final class UnsafePathException extends IOException {
    public UnsafePathException(String message) {
        super(message);
    }
}
