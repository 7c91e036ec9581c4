package tandem.sync;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.AtomicFiles;

/**
 * One file being received: bytes are appended with {@link #write} (new data) and
 * {@link #copyBlock} (a block of the current file, for a delta), in order; {@link #commit()} puts it
 * in place after checking it, {@link #abort()} (or {@link #close()} before a commit) throws it away.
 * Any exception from these methods aborts it, except {@link #abort()} and {@link #close()}, which
 * never fail. Each open IncomingFile holds a file descriptor.
 */
public final class IncomingFile implements AutoCloseable {
    private enum State { OPEN, READY, COMMITTED, ABORTED }

    private static final Logger LOG = LoggerFactory.getLogger(IncomingFile.class);

    private final FolderWriter writer;
    private final String rel;
    private final Path target;
    private final Path temp;
    private final FileChannel out;
    /** Appends around the page cache until the first block copy or the end; null: through {@link #out}. */
    private DirectAppender direct;
    private final long size;
    private final long mtimeMillis;
    private final String hash;
    private final Hashing.Hasher hasher = new Hashing.Hasher();
    private FileChannel current;
    /** The current file for direct reads ({@link #copyBlocks}); tried once. */
    private FileChannel currentDirect;
    private boolean noCurrentDirect;
    private long written;
    private State state = State.OPEN;
    private Entry entry;
    /** Handed to a group commit: only the committer puts it in place or throws it away. */
    private boolean staged;

    IncomingFile(FolderWriter writer, String rel, Path target, Path temp, FileChannel out, DirectAppender direct,
            long size, long mtimeMillis, String hash) {
        this.writer = writer;
        this.rel = rel;
        this.target = target;
        this.temp = temp;
        this.out = out;
        this.direct = direct;
        this.size = size;
        this.mtimeMillis = mtimeMillis;
        this.hash = hash;
    }

    /** The file's path relative to the folder. */
    public String path() {
        return rel;
    }

    /** Where the file goes once committed. */
    Path target() {
        return target;
    }

    /** Whether appended bytes still go around the page cache ({@link DirectAppender}). */
    boolean writesDirect() {
        return direct != null;
    }

    /** Bytes appended so far. */
    public long written() {
        return written;
    }

    /** The committed file's entry, once committed. */
    public Optional<Entry> committed() {
        return Optional.ofNullable(entry);
    }

    /** Appends new bytes. */
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        open();
        reserve(len);
        try {
            if (direct != null) {
                direct.append(b, off, len);
            } else {
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) {
                    out.write(buf);
                }
            }
        } catch (IOException e) {
            abort();
            throw writer.failure(e, rel, "cannot write");
        }
        written += len;
        hasher.update(b, off, len, written == size);
        if (written == size) {
            // the whole file is here: its buffer and direct descriptor go back at once, not when
            // the batch it came in is committed
            endDirect();
        }
    }

    /**
     * Appends {@code count} blocks of the current file from block {@code first}, unchanged, copied
     * by the kernel ({@link FileChannel#transferTo}, no pass through this process), with the hashes
     * {@code known} gives for them (the current file's {@link Signature}, just computed) instead of
     * reading them again. Falls back to {@link #copyBlock} off a block boundary. {@code known} must
     * describe the current file as it is: the check at {@link #commit()} trusts these hashes, so a
     * current file changed after its signature was taken would go unnoticed (on the standby nothing
     * but replication writes the folders).
     */
    public void copyBlocks(int first, int count, List<String> known) throws IOException {
        if (written % Hashing.BLOCK != 0 || first < 0 || count <= 0 || first + count > known.size()) {
            for (int i = first; i < first + count; i++) {
                copyBlock(i);
            }
            return;
        }
        open();
        long available = currentSize("blocks " + first + ".." + (first + count - 1));
        long start = (long) first * Hashing.BLOCK;
        long end = Math.min(available, (long) (first + count) * Hashing.BLOCK);
        if (start >= end) {
            abort();
            throw new IOException("cannot copy blocks " + first + ".." + (first + count - 1) + " of " + rel + " in "
                    + writer.root() + ": the current file has " + available + " bytes");
        }
        reserve(end - start);
        try {
            long at = start;
            FileChannel source = direct != null && direct.canAppendFrom() ? currentDirect() : null;
            if (source != null) {
                // around the page cache both ways, as the rest of this file
                at += direct.appendFrom(source, start, end - start);
            }
            if (at < end) {
                finishDirect(); // through the page cache from here on
            }
            while (at < end) {
                long n = current.transferTo(at, end - at, out);
                if (n <= 0) {
                    throw new IOException("the current file shrank while blocks were copied");
                }
                at += n;
            }
        } catch (IOException e) {
            abort();
            throw writer.failure(e, rel, "cannot copy blocks of");
        }
        for (int i = first; i < first + count; i++) {
            long bs = (long) i * Hashing.BLOCK;
            hasher.addKnownBlock(known.get(i), (int) Math.min(Hashing.BLOCK, end - bs));
        }
        written += end - start;
    }

    /** The current file opened for direct reads (once), or null when it cannot be. */
    private FileChannel currentDirect() {
        if (currentDirect == null && !noCurrentDirect) {
            try {
                currentDirect = FileChannel.open(target, StandardOpenOption.READ, ExtendedOpenOption.DIRECT,
                        LinkOption.NOFOLLOW_LINKS);
            } catch (IOException | UnsupportedOperationException e) {
                noCurrentDirect = true;
            }
        }
        return currentDirect;
    }

    /** Opens the current file (once) and returns its size; aborts this file when it cannot. */
    private long currentSize(String what) throws IOException {
        try {
            if (current == null) {
                current = FileChannel.open(target, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            }
            return current.size();
        } catch (NoSuchFileException e) {
            abort();
            throw new IOException("cannot copy " + what + " of " + rel + " in " + writer.root()
                    + ": there is no current file", e);
        } catch (IOException e) {
            abort();
            throw writer.failure(e, rel, "cannot read the current file for");
        }
    }

    /**
     * Appends block {@code index} ({@link Hashing#BLOCK} bytes, or fewer for the last block) of the
     * file currently at the target path, for a delta transfer.
     *
     * @throws IOException when there is no current file or it has no such block
     */
    public void copyBlock(int index) throws IOException {
        open();
        endDirect();
        long available = currentSize("block " + index);
        long start = (long) index * Hashing.BLOCK;
        if (index < 0 || start >= available) {
            long blocks = (available + Hashing.BLOCK - 1) / Hashing.BLOCK;
            abort();
            throw new IOException("cannot copy block " + index + " of " + rel + " in " + writer.root()
                    + ": the current file has " + blocks + " blocks");
        }
        int len = (int) Math.min(Hashing.BLOCK, available - start);
        reserve(len);
        ByteBuffer buf = Hashing.buffer();
        buf.clear().limit(len);
        try {
            while (buf.hasRemaining()) {
                if (current.read(buf, start + buf.position()) < 0) {
                    throw new IOException("the current file shrank while block " + index + " was read");
                }
            }
            buf.flip();
            ByteBuffer w = buf.duplicate();
            while (w.hasRemaining()) {
                out.write(w);
            }
        } catch (IOException e) {
            abort();
            throw writer.failure(e, rel, "cannot copy a block of");
        }
        hasher.update(buf);
        written += len;
    }

    /**
     * Checks the size, fsyncs, verifies the hash, sets the mtime (when the folder keeps
     * timestamps) and renames the file into place.
     *
     * @return the file's entry as it now is on disk
     * @throws HashMismatchException when the content is not what the primary declared (the old file
     *                               stays)
     * @throws DiskFullException     when the disk is full (the old file stays)
     */
    public Entry commit() throws IOException {
        prepare();
        Entry e = install();
        AtomicFiles.fsyncDirectory(target.getParent());
        return e;
    }

    /**
     * Throws the temporary file away; idempotent, and a no-op after a commit and once handed to a
     * group commit ({@link FolderWriter#stage}), which then decides.
     */
    public void abort() {
        if (staged) {
            return;
        }
        discard();
    }

    /** Hands this file to a group commit, which from now on alone puts it in place or throws it away. */
    void handOver() {
        staged = true;
    }

    /** {@link #abort()}, also for a staged file (the group commit's own). */
    void discard() {
        if (state == State.COMMITTED || state == State.ABORTED) {
            return;
        }
        state = State.ABORTED;
        if (direct != null) {
            direct.close();
        }
        closeQuietly(out);
        closeQuietly(current);
        closeQuietly(currentDirect);
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            LOG.warn("cannot delete temporary file {}: {}; it is removed at the next start", temp, e.getMessage());
        }
    }

    /** {@link #abort()} unless committed. */
    @Override
    public void close() {
        abort();
    }

    /** Steps before the rename: size, mtime, fsync, hash. */
    void prepare() throws IOException {
        prepare(true);
    }

    /** @param force fsync the file here (else the caller flushes the whole batch at once) */
    void prepare(boolean force) throws IOException {
        open();
        if (written != size) {
            abort();
            throw new IOException("cannot commit " + rel + " in " + writer.root() + ": received " + written
                    + " bytes, expected " + size);
        }
        endDirect();
        closeQuietly(current);
        closeQuietly(currentDirect);
        current = null;
        currentDirect = null;
        String got = hasher.finish();
        if (!got.equals(hash)) {
            abort();
            throw new HashMismatchException("received content of " + rel + " in " + writer.root() + " hashes to "
                    + got + ", not " + hash + " as declared; the old file is kept");
        }
        try {
            if (writer.folder().keepTimestamps()) {
                Files.getFileAttributeView(temp, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .setTimes(FileTime.fromMillis(mtimeMillis), null, null);
            }
            if (force) {
                out.force(true);
            }
            out.close();
        } catch (IOException e) {
            abort();
            throw writer.failure(e, rel, "cannot save");
        }
        state = State.READY;
    }

    /** The rename into place, after {@link #prepare()}. */
    Entry install() throws IOException {
        if (state != State.READY) {
            throw new IllegalStateException(rel + " is not ready to be installed (" + state + ")");
        }
        writer.oldVersions().keepAside(target);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (DirectoryNotEmptyException e) {
            discard();
            throw new IOException("cannot put " + rel + " in " + writer.root()
                    + " in place: a directory that is not empty is there", e);
        } catch (IOException e) {
            discard();
            throw writer.failure(e, rel, "cannot put in place");
        }
        state = State.COMMITTED;
        long mtime = mtimeMillis;
        try {
            BasicFileAttributes a = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            mtime = a.lastModifiedTime().toMillis();
            HashCache cache = writer.cache();
            if (cache != null) {
                cache.put(rel, size, mtime, a.fileKey(), hash);
                cache.putBlocks(rel, size, mtime, a.fileKey(), hasher.blocks());
            }
        } catch (IOException e) {
            LOG.debug("cannot read back {}: {}", target, e.getMessage());
        }
        entry = Entry.file(rel, size, mtime, hash);
        return entry;
    }

    /** {@link #finishDirect()}; a failure aborts this file. */
    private void endDirect() throws IOException {
        try {
            finishDirect();
        } catch (IOException e) {
            abort();
            throw writer.failure(e, rel, "cannot write");
        }
    }

    /** Writes what the direct appender still holds; from here on writes go through {@link #out}. */
    private void finishDirect() throws IOException {
        if (direct != null) {
            DirectAppender d = direct;
            direct = null;
            d.finish();
        }
    }

    private void open() {
        if (state != State.OPEN) {
            throw new IllegalStateException(rel + " is no longer open (" + state.name().toLowerCase() + ")");
        }
    }

    private void reserve(long len) throws IOException {
        if (written + len > size) {
            abort();
            throw new IOException("cannot receive " + rel + " in " + writer.root() + ": more than the declared "
                    + size + " bytes");
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                LOG.debug("cannot close: {}", e.getMessage());
            }
        }
    }
}
