package tandem;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replacing a small state file so that a crash or power loss leaves the old content or the new one,
 * never a mix or nothing: the new content goes to a temporary file next to it, is flushed, renamed
 * over the old file, and the rename is flushed with the folder.
 */
public final class AtomicFiles {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicFiles.class);

    private AtomicFiles() {
    }

    /**
     * Replaces {@code file} with {@code content} (creating its folder when missing).
     *
     * @throws IOException naming the file; the old content is then still in place and no temporary
     *                     file is left
     */
    public static void write(Path file, byte[] content) throws IOException {
        write(file, content, null);
    }

    /**
     * {@link #write(Path, byte[])} with the file's permissions: the temporary file has {@code mode} from
     * its creation on, so the content is never readable by more than {@code mode} allows.
     *
     * @param mode the new file's permissions; null for the process's default (its umask)
     */
    public static void write(Path file, byte[] content, Set<PosixFilePermission> mode) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + file.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
        try {
            FileAttribute<?>[] attrs = mode == null ? new FileAttribute<?>[0]
                    : new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)};
            try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    attrs)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (mode != null) {
                Files.setPosixFilePermissions(tmp, mode); // the umask may have narrowed the creation mode
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("cannot save " + file + ": " + e.getMessage(), e);
        }
        fsyncDirectory(dir);
    }

    /** Makes the creations, renames and deletions in {@code dir} durable; a failure is only logged. */
    public static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            LOG.debug("cannot fsync directory {}: {}", dir, e.getMessage());
        }
    }
}
