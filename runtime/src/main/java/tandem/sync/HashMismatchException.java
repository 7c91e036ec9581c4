package tandem.sync;

import java.io.IOException;

/**
 * The bytes received for a file do not have the hash the primary declared (a corrupted transfer, or
 * the source file changed while it was sent). The temporary file is deleted and the old file stays; the
 * next cycle sends the file again. The message names the file and both hashes.
 */
public final class HashMismatchException extends IOException {
    public HashMismatchException(String message) {
        super(message);
    }
}
