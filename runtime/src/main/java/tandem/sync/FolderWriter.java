package tandem.sync;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link Diff.Plan} on the receiving node without ever leaving a half-written or unverified
 * file in place (DESIGN.md, "Replication"): a file arrives in a temporary file
 * ({@link #TEMP_PREFIX}{@code <random>.tmp}) in the same directory as its target, is fsynced, its
 * content hash is checked against the one the primary declared, and only then is it renamed over the
 * target, atomically. A crash at any point leaves the old file or the new one, plus perhaps a temporary
 * file that the next cycle removes ({@link FolderScanner#tempsSeen()}, {@link #removeTemps}; scans never list them).
 *
 * <p>Every path goes through {@link SafePaths}: nothing outside the folder is written, and no symbolic
 * link is followed (one found on the way is an {@link UnsafePathException}). A full disk is a
 * {@link DiskFullException} naming the folder and the file, with the temporary file removed and the old
 * file untouched. When given a {@link HashCache}, the writer records what it wrote, so this node's next
 * scan does not read those files again. The folder's root is created when it does not exist.
 *
 * <p>A FolderWriter is thread-safe; each {@link IncomingFile} is used by one thread at a time. The
 * batches are committed by a {@link GroupCommit}, and the old versions of what it replaces are freed
 * late ({@link OldVersions}).
 */
public final class FolderWriter {
    /** Name prefix of Tandem's temporary files; refused in paths from the peer and never listed. */
    public static final String TEMP_PREFIX = ".tandem-sync-";

    private static final Logger LOG = LoggerFactory.getLogger(FolderWriter.class);

    private final SyncFolder folder;
    private final Path root;
    private final HashCache cache;
    private final GroupCommit commits;
    private final OldVersions oldVersions = new OldVersions();
    private volatile boolean rootReady;
    /** Directories of this folder found to be real directories (no link) by this writer: not examined again. */
    private final Set<Path> knownDirs = ConcurrentHashMap.newKeySet();
    /** The folder's file system block size, for direct writes: 0 not known yet, -1 none. */
    private volatile int blockSize;

    /**
     * Files of at least this size are written around the page cache ({@link DirectAppender}); smaller
     * ones cost more in the extra descriptor than the copy into the cache. {@code -Dtandem.sync.direct=false}
     * writes every file through the page cache.
     */
    static final long DIRECT_MIN = 64L << 10;
    private static final boolean DIRECT = !"false".equals(System.getProperty("tandem.sync.direct"));

    /** A writer into {@code f.root()} that keeps no hash cache. */
    public FolderWriter(SyncFolder f) {
        this(f, null);
    }

    /** A writer into {@code f.root()} that records what it writes in {@code cache} (may be null). */
    public FolderWriter(SyncFolder f, HashCache cache) {
        this(f, cache, () -> true);
    }

    /**
     * A writer that asks {@code mayInstall} before a group commit ({@link #stage}) renames its files into
     * place, from the thread that commits: while it answers false the staged files are thrown away and
     * {@link #finishStaged()} reports it.
     */
    public FolderWriter(SyncFolder f, HashCache cache, BooleanSupplier mayInstall) {
        this.folder = Objects.requireNonNull(f, "folder");
        this.root = f.root();
        this.cache = cache;
        this.commits = new GroupCommit(this, Objects.requireNonNull(mayInstall, "mayInstall"));
    }

    /**
     * Starts receiving the file {@code rel}: checks the path, creates the missing directories on the
     * way and opens the temporary file next to the target.
     *
     * @param size        the bytes that will be written (checked at commit)
     * @param mtimeMillis the source's modification time (set when the folder keeps timestamps)
     * @param hash        the source's content hash ({@link Hashing}; verified at commit)
     * @throws UnsafePathException when the path is refused
     */
    public IncomingFile begin(String rel, long size, long mtimeMillis, String hash) throws IOException {
        Objects.requireNonNull(hash, "hash");
        if (size < 0) {
            throw new IOException("cannot receive " + SafePaths.printable(String.valueOf(rel)) + ": negative size " + size);
        }
        ensureRoot();
        Path target;
        try {
            target = SafePaths.resolve(root, rel, SafePaths.Create.PARENTS, false, knownDirs);
        } catch (UnsafePathException | FileAlreadyExistsException e) {
            throw e;
        } catch (IOException e) {
            throw failure(e, rel, "cannot create the directories for");
        }
        Path dir = target.getParent();
        while (true) {
            Path temp = dir.resolve(TEMP_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS);
                DirectAppender direct = size >= DIRECT_MIN ? DirectAppender.open(temp, out, blockSize()) : null;
                return new IncomingFile(this, rel, target, temp, out, direct, size, mtimeMillis, hash);
            } catch (FileAlreadyExistsException e) {
                // another random name
            } catch (IOException e) {
                throw failure(e, rel, "cannot create a temporary file for");
            }
        }
    }

    /** The folder's block size, or -1 when direct writes are off or it cannot be told. */
    private int blockSize() {
        int b = blockSize;
        if (b == 0) {
            try {
                b = DIRECT ? (int) Math.min(Integer.MAX_VALUE, Files.getFileStore(root).getBlockSize()) : -1;
            } catch (IOException | UnsupportedOperationException e) {
                b = -1;
            }
            blockSize = b;
        }
        return b;
    }

    /**
     * Commits a batch of files: like calling {@link IncomingFile#commit()} on each, but the fsyncs run in
     * parallel (four threads) and each directory is fsynced once at the end, which is what makes many
     * small files fast. The files that pass are all committed even when others fail; then the first
     * failure is thrown (the others attached as suppressed) and {@link IncomingFile#committed()} tells which
     * made it.
     *
     * @return the entries of the committed files, in batch order
     */
    public List<Entry> commitAll(List<IncomingFile> batch) throws IOException {
        return commits.commitAll(batch);
    }

    /**
     * Group commit: checks a batch of received files here (size, hash; a file that fails is thrown away
     * and reported as {@link #commitAll} reports it) and hands the good ones to a committer thread, which
     * flushes the file system once for everything handed over since its last flush ({@code syncfs}), and
     * only then renames those files into place. The caller goes on receiving while its files are
     * flushed, and a cycle of thousands of small batches costs a few dozen flushes. Until
     * {@link #finishStaged()} a staged file may not be in place yet; without {@code syncfs} (see
     * {@link FileSystemSync}) this is {@link #commitAll}, each file fsynced, before it returns.
     *
     * @throws IOException the first file of the batch that failed its check (the others attached as
     *                     suppressed); the rest of the batch is staged all the same
     */
    public void stage(List<IncomingFile> batch) throws IOException {
        commits.stage(batch);
    }

    /**
     * Waits until every staged file is in place or thrown away, then makes their renames durable (one
     * more flush).
     *
     * @return how many files were put in place since the last call
     * @throws IOException the first failure of a group commit since the last call (a full disk: no
     *                     file of that group is in place, the old ones are intact)
     */
    public long finishStaged() throws IOException {
        return commits.finishStaged();
    }

    /**
     * Deletes the file or directory {@code rel}; a missing path is fine. A directory that still holds
     * something (files this folder does not replicate) is kept, with an INFO line. A symbolic link found
     * there is deleted as a link, never what it points to; one on the way is refused.
     */
    public void delete(String rel) throws IOException {
        Path p = SafePaths.resolve(root, rel, SafePaths.Create.NOTHING, true);
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            forget(rel);
            return;
        }
        try {
            if (a.isRegularFile()) {
                // moved aside to the folder's top, so its directory can go too; its blocks are freed
                // with the others at the end of the cycle (releaseRetired)
                oldVersions.moveAside(p, root);
            } else {
                Files.delete(p);
                knownDirs.removeIf(d -> d.startsWith(p));
            }
        } catch (NoSuchFileException e) {
            // gone meanwhile
        } catch (DirectoryNotEmptyException e) {
            LOG.info("kept directory {} in {}: it still holds files that this folder does not replicate", rel, root);
            return;
        } catch (IOException e) {
            throw new IOException("cannot delete " + rel + " in " + root + ": " + e.getMessage(), e);
        }
        if (!a.isDirectory()) {
            forget(rel);
        }
    }

    /** Creates the directory {@code rel} and the missing ones above it; an existing directory is fine. */
    public void mkdirs(String rel) throws IOException {
        ensureRoot();
        try {
            SafePaths.resolve(root, rel, SafePaths.Create.ALL, false, knownDirs);
        } catch (UnsafePathException | FileAlreadyExistsException e) {
            throw e;
        } catch (IOException e) {
            throw failure(e, rel, "cannot create directory");
        }
    }

    /** Sets the modification time of the existing file {@code rel} (content unchanged). */
    public void touch(String rel, long mtimeMillis) throws IOException {
        Path p = SafePaths.resolve(root, rel);
        try {
            BasicFileAttributes before = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Optional<String> hash = cache == null ? Optional.empty()
                    : cache.lookup(rel, before.size(), before.lastModifiedTime().toMillis(), before.fileKey());
            Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(FileTime.fromMillis(mtimeMillis), null, null);
            if (hash.isPresent()) {
                BasicFileAttributes after = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                cache.put(rel, after.size(), after.lastModifiedTime().toMillis(), after.fileKey(), hash.get());
            }
        } catch (NoSuchFileException e) {
            throw new IOException("cannot set the modification time of " + rel + " in " + root + ": it does not exist", e);
        } catch (IOException e) {
            throw new IOException("cannot set the modification time of " + rel + " in " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes the old versions of the files this writer replaced or deleted. Until then each is kept
     * under a hidden name ({@link #TEMP_PREFIX}...{@code .old}, a second hard link), so that their
     * blocks are freed at the end of a cycle, in one go ({@link OldVersions} says why).
     *
     * @return how many were deleted
     */
    public int releaseRetired() {
        return oldVersions.release();
    }

    /**
     * Removes the given leftovers of an interrupted transfer ({@link FolderScanner#tempsSeen()}, so no walk of
     * its own): only regular files named {@link #TEMP_PREFIX}... inside this writer's folder, reached
     * without a symbolic link.
     *
     * @return how many were removed
     */
    public int removeTemps(Collection<Path> temps) {
        int removed = 0;
        for (Path t : temps) {
            if (!t.startsWith(root) || t.equals(root) || !t.getFileName().toString().startsWith(TEMP_PREFIX)) {
                continue;
            }
            try {
                Path parent = t.getParent();
                if (!parent.equals(root)) { // a folder on the way replaced by a link since the scan: refused
                    SafePaths.resolve(root, root.relativize(parent).toString().replace(File.separatorChar, '/'));
                }
                if (Files.isRegularFile(t, LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(t)) {
                    removed++;
                }
            } catch (IOException e) {
                LOG.debug("not removing {}: {}", t, e.getMessage());
            }
        }
        return removed;
    }

    /** The folder this writer writes into. */
    public SyncFolder folder() {
        return folder;
    }

    /** The folder's root, where this writer writes. */
    Path root() {
        return root;
    }

    /** The hash cache this writer records what it writes in, or null. */
    HashCache cache() {
        return cache;
    }

    /** The old versions of the files this writer replaced or deleted, until {@link #releaseRetired()}. */
    OldVersions oldVersions() {
        return oldVersions;
    }

    private void ensureRoot() throws IOException {
        if (rootReady) {
            return;
        }
        if (Files.isSymbolicLink(root)) {
            throw new UnsafePathException("folder " + root + " is a symbolic link; Tandem does not write through links");
        }
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(root);
            LOG.info("created folder {}", root);
        } else if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("folder " + root + " is not a directory");
        }
        rootReady = true;
    }

    private void forget(String rel) {
        if (cache != null) {
            cache.remove(rel);
        }
    }

    /** {@code e} with the folder and file named; a full disk becomes a {@link DiskFullException}. */
    IOException failure(IOException e, String rel, String doing) {
        if (e instanceof DiskFullException || e instanceof UnsafePathException || e instanceof HashMismatchException) {
            return e;
        }
        if (DiskFullException.isDiskFull(e)) {
            return new DiskFullException("no space left on device in folder " + root + " while writing " + rel
                    + "; the existing file is kept", e);
        }
        return new IOException(doing + " " + rel + " in " + root + ": " + e.getMessage(), e);
    }
}
