package tandem.sync;

import java.io.IOException;

/**
 * The receiving node's disk filled up while a file was written. The temporary file is deleted and the
 * existing file is left as it was; the message names the folder and the file, so an operator knows
 * where to make room. Replication cannot be uptodate until then.
 */
public final class DiskFullException extends IOException {
    public DiskFullException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether {@code e} (or a cause of it) is the operating system saying the disk is full. */
    static boolean isDiskFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DiskFullException) {
                return true;
            }
            String m = t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("not enough space on the disk")
                    || m.contains("Disk quota exceeded"))) {
                return true;
            }
            if (t instanceof java.nio.file.FileSystemException fse && fse.getReason() != null
                    && fse.getReason().contains("No space left on device")) {
                return true;
            }
        }
        return false;
    }
}
