package tandem.sync;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One flush for a whole batch of files: Linux {@code syncfs(2)} (through JNA) writes out everything
 * of one file system and commits its journal once, where an fsync per file commits it once per file.
 * Replicating 20,000 small files is then a few dozen journal commits instead of 20,000. Since Linux
 * 5.8 {@code syncfs} also reports write-back errors (a full disk, a failing device). It flushes what
 * other programs wrote to that file system too; on the standby, whose services are stopped, that is
 * mostly Tandem's own writes. Where it is not available (another OS, no libc), {@link #available()}
 * is false and the {@link FolderWriter} fsyncs file by file.
 */
final class FileSystemSync {
    private static final Logger LOG = LoggerFactory.getLogger(FileSystemSync.class);
    private static final int O_RDONLY = 0;
    private static final int O_DIRECTORY = 0200000;
    private static final int O_CLOEXEC = 02000000;

    interface LibC extends Library {
        int open(String path, int flags);

        int syncfs(int fd);

        int close(int fd);
    }

    private static final LibC LIBC = load();

    private FileSystemSync() {
    }

    private static LibC load() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")
                || Boolean.getBoolean("tandem.sync.fsync-each")) {
            return null;
        }
        try {
            return Native.load("c", LibC.class);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            LOG.info("syncfs unavailable ({}); replicated files are fsynced one by one", e.toString());
            return null;
        }
    }

    static boolean available() {
        return LIBC != null;
    }

    /** Flushes the file system that holds the directory {@code dir}. */
    static void syncfs(Path dir) throws IOException {
        int fd = LIBC.open(dir.toString(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
            throw new IOException("cannot open " + dir + " to flush its file system (errno " + Native.getLastError() + ")");
        }
        try {
            if (LIBC.syncfs(fd) != 0) {
                int errno = Native.getLastError();
                throw new IOException(errno == 28 ? "No space left on device (flushing " + dir + ")"
                        : "cannot flush the file system of " + dir + " (errno " + errno + ")");
            }
        } finally {
            LIBC.close(fd);
        }
    }
}
