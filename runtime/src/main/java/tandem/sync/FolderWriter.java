package tandem.sync;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.AtomicFiles;
import tandem.Daemons;

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
 * <p>A FolderWriter is thread-safe; each {@link Incoming} is used by one thread at a time.
 */
public final class FolderWriter {
    /** Name prefix of Tandem's temporary files; refused in paths from the peer and never listed. */
    public static final String TEMP_PREFIX = ".tandem-sync-";

    private static final Logger LOG = LoggerFactory.getLogger(FolderWriter.class);
    private static final ThreadPoolExecutor FSYNC;

    static {
        AtomicInteger n = new AtomicInteger();
        FSYNC = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "tandem-sync-fsync-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        FSYNC.allowCoreThreadTimeOut(true);
    }

    /** Runs the group commits of every writer ({@link #stage}), one at a time. */
    private static final ThreadPoolExecutor COMMITTER = Daemons.single("tandem-sync-commit");

    private final SyncFolder folder;
    private final Path root;
    private final HashCache cache;
    private final BooleanSupplier mayInstall;
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
    /** Group commit ({@link #stage}): files checked and waiting for the next flush; guarded by itself. */
    private final List<Incoming> staged = new ArrayList<>();
    private boolean committing;
    private long stagedCommitted;
    private IOException stagedFailure;
    /** Replaced and deleted files kept under a hidden name until {@link #releaseRetired()}. */
    private final java.util.Queue<Path> retired = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicLong retiredBytes = new java.util.concurrent.atomic.AtomicLong();

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
        this.mayInstall = Objects.requireNonNull(mayInstall, "mayInstall");
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
    public Incoming begin(String rel, long size, long mtimeMillis, String hash) throws IOException {
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
                return new Incoming(this, rel, target, temp, out, direct, size, mtimeMillis, hash);
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
     * Commits a batch of files: like calling {@link Incoming#commit()} on each, but the fsyncs run in
     * parallel (four threads) and each directory is fsynced once at the end, which is what makes many
     * small files fast. The files that pass are all committed even when others fail; then the first
     * failure is thrown (the others attached as suppressed) and {@link Incoming#committed()} tells which
     * made it.
     *
     * @return the entries of the committed files, in batch order
     */
    public List<Entry> commitAll(List<Incoming> batch) throws IOException {
        if (batch.size() > 1 && FileSystemSync.available()) {
            return commitAllBySyncfs(batch);
        }
        List<IOException> failures = new ArrayList<>();
        boolean[] failed = new boolean[batch.size()];
        if (batch.size() == 1) {
            try {
                batch.get(0).prepare();
            } catch (IOException e) {
                failed[0] = true;
                failures.add(e);
            }
        } else {
            List<Future<?>> futures = new ArrayList<>(batch.size());
            for (Incoming in : batch) {
                futures.add(FSYNC.submit(() -> {
                    in.prepare();
                    return null;
                }));
            }
            for (int i = 0; i < futures.size(); i++) {
                try {
                    futures.get(i).get();
                } catch (ExecutionException e) {
                    failed[i] = true;
                    failures.add(e.getCause() instanceof IOException io ? io
                            : new IOException("cannot commit " + batch.get(i).path() + ": " + e.getCause(), e.getCause()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    batch.forEach(Incoming::abort);
                    throw new IOException("commit of " + batch.size() + " files in " + root + " interrupted", e);
                }
            }
        }
        List<Entry> out = new ArrayList<>(batch.size());
        Set<Path> dirs = new LinkedHashSet<>();
        for (int i = 0; i < batch.size(); i++) {
            if (failed[i]) {
                continue;
            }
            try {
                out.add(batch.get(i).install());
                dirs.add(batch.get(i).target.getParent());
            } catch (IOException e) {
                failures.add(e);
            }
        }
        for (Path d : dirs) {
            AtomicFiles.fsyncDirectory(d);
        }
        if (!failures.isEmpty()) {
            IOException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
        return out;
    }

    /**
     * {@link #commitAll} with one file-system flush for the whole batch instead of an fsync per file:
     * the group commit ({@link #stage}, {@link #finishStaged()}), waited for.
     */
    private List<Entry> commitAllBySyncfs(List<Incoming> batch) throws IOException {
        IOException failure = null;
        try {
            stage(batch);
        } catch (IOException e) {
            failure = e;
        }
        try {
            finishStaged();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return batch.stream().map(Incoming::committed).flatMap(Optional::stream).toList();
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
    public void stage(List<Incoming> batch) throws IOException {
        if (!FileSystemSync.available()) {
            try {
                long n = commitAll(batch).size();
                synchronized (staged) {
                    stagedCommitted += n;
                }
            } catch (IOException e) {
                long n = batch.stream().filter(in -> in.committed().isPresent()).count();
                synchronized (staged) {
                    stagedCommitted += n;
                }
                throw e;
            }
            return;
        }
        List<IOException> failures = new ArrayList<>();
        List<Incoming> ready = new ArrayList<>(batch.size());
        for (Incoming in : batch) {
            try {
                in.prepare(false);
                in.staged = true;
                ready.add(in);
            } catch (IOException e) {
                failures.add(e);
            }
        }
        synchronized (staged) {
            staged.addAll(ready);
            if (!committing && !staged.isEmpty()) {
                committing = true;
                try {
                    COMMITTER.execute(this::commitStaged);
                } catch (RuntimeException e) {
                    committing = false;
                    throw e;
                }
            }
        }
        if (!failures.isEmpty()) {
            IOException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
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
        long n;
        IOException failure;
        synchronized (staged) {
            while (committing) {
                try {
                    staged.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while files of " + root + " were being saved", e);
                }
            }
            n = stagedCommitted;
            failure = stagedFailure;
            stagedCommitted = 0;
            stagedFailure = null;
        }
        if (n > 0 && FileSystemSync.available()) {
            try {
                FileSystemSync.syncfs(root);
            } catch (IOException e) {
                // the files are in place and whole; only their renames may not have reached the disk yet
                LOG.warn("cannot flush the renames of {} files in {}: {}", n, root, e.getMessage());
            }
        }
        if (failure != null) {
            throw failure;
        }
        return n;
    }

    /** The committer's loop: one flush for all files staged so far, then their renames, until none is left. */
    private void commitStaged() {
        while (true) {
            List<Incoming> group;
            synchronized (staged) {
                if (staged.isEmpty()) {
                    committing = false;
                    staged.notifyAll();
                    return;
                }
                group = new ArrayList<>(staged);
                staged.clear();
            }
            long ok = 0;
            IOException failure = null;
            try {
                FileSystemSync.syncfs(root);
                if (!mayInstall.getAsBoolean()) {
                    throw new IOException("this node is no longer the standby: " + group.size()
                            + " received files are not put in place");
                }
                for (Incoming in : group) {
                    try {
                        in.install();
                        ok++;
                    } catch (IOException e) {
                        failure = failure == null ? e : failure;
                    }
                }
            } catch (IOException | RuntimeException | Error e) {
                IOException io = e instanceof IOException x ? x : new IOException(e.toString(), e);
                failure = failure == null ? failure(io, group.get(0).path(), "cannot save a batch of " + group.size()
                        + " files with") : failure;
            } finally {
                group.forEach(Incoming::discard); // no-op for those installed
            }
            synchronized (staged) {
                stagedCommitted += ok;
                if (failure != null && stagedFailure == null) {
                    stagedFailure = failure;
                }
            }
        }
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
                // moved aside (atomically gone from its name) to the folder's top, so its directory can
                // go too; its blocks are freed with the others at the end of the cycle (releaseRetired)
                Path aside = asideIn(root);
                Files.move(p, aside, StandardCopyOption.ATOMIC_MOVE);
                retired.add(aside);
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
     * under a hidden name ({@link #TEMP_PREFIX}...{@code .old}, a second hard link): on a file system
     * that discards freed blocks as it commits (ext4 mounted with {@code discard}), freeing a file's
     * blocks inside the flush that makes a batch durable cost about a millisecond per file (measured
     * here: 1.3 ms instead of 0.13 ms per replaced file), and a replaced 512 MiB file far more; freed
     * all at once at the end of a cycle they cost one commit. Leftovers of a crash are temporary
     * files, removed by the next cycle.
     *
     * @return how many were deleted
     */
    public int releaseRetired() {
        retiredBytes.set(0);
        int n = 0;
        for (Path p; (p = retired.poll()) != null; ) {
            try {
                Files.deleteIfExists(p);
                n++;
            } catch (IOException e) {
                LOG.debug("cannot delete the old version {}: {}", p, e.getMessage());
            }
        }
        return n;
    }

    /** Keeps the file now at {@code target} reachable under a hidden name, so replacing it frees nothing yet. */
    private void retire(Path target) {
        long size;
        if (!target.toFile().exists()) {
            // a new file, as every file of an initial sync: a plain stat says so without the exception
            // (with its stack trace) the read below throws; a dangling link is no old version either
            return;
        }
        try {
            BasicFileAttributes a = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile()) {
                return;
            }
            size = a.size();
        } catch (IOException e) {
            return; // nothing there: a new file
        }
        if (retiredBytes.get() + size > RETIRED_BYTES || retired.size() >= RETIRED_FILES) {
            releaseRetired(); // the disk need not hold two versions of everything a cycle replaces
        }
        Path aside = asideIn(target.getParent());
        try {
            Files.createLink(aside, target);
            retired.add(aside);
            retiredBytes.addAndGet(size);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("old version of {} not kept aside: {}", target, e.toString());
        }
    }

    /** Old versions kept aside at most: beyond these they are freed early, in one go. */
    static final long RETIRED_BYTES = 1L << 30;
    static final int RETIRED_FILES = 4096;

    /** A fresh hidden name in {@code dir} for an old version. */
    private static Path asideIn(Path dir) {
        return dir.resolve(TEMP_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".old");
    }

    /**
     * Removes the given leftovers of an interrupted transfer ({@link FolderScanner#tempsSeen()}, so no walk of
     * its own): only regular files named {@link #TEMP_PREFIX}... inside this writer's folder, reached
     * without a symbolic link.
     *
     * @return how many were removed
     */
    public int removeTemps(java.util.Collection<Path> temps) {
        int removed = 0;
        for (Path t : temps) {
            if (!t.startsWith(root) || t.equals(root) || !t.getFileName().toString().startsWith(TEMP_PREFIX)) {
                continue;
            }
            try {
                Path parent = t.getParent();
                if (!parent.equals(root)) { // a folder on the way replaced by a link since the scan: refused
                    SafePaths.resolve(root, root.relativize(parent).toString().replace(java.io.File.separatorChar, '/'));
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
    private IOException failure(IOException e, String rel, String doing) {
        if (e instanceof DiskFullException || e instanceof UnsafePathException || e instanceof HashMismatchException) {
            return e;
        }
        if (DiskFullException.isDiskFull(e)) {
            return new DiskFullException("no space left on device in folder " + root + " while writing " + rel
                    + "; the existing file is kept", e);
        }
        return new IOException(doing + " " + rel + " in " + root + ": " + e.getMessage(), e);
    }

    /**
     * One file being received: bytes are appended with {@link #write} (new data) and
     * {@link #copyBlock} (a block of the current file, for a delta), in order; {@link #commit()} puts it
     * in place after checking it, {@link #abort()} (or {@link #close()} before a commit) throws it away.
     * Any exception from these methods aborts it, except {@link #abort()} and {@link #close()}, which
     * never fail. Each open Incoming holds a file descriptor.
     */
    public static final class Incoming implements AutoCloseable {
        private enum State { OPEN, READY, COMMITTED, ABORTED }

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

        private Incoming(FolderWriter writer, String rel, Path target, Path temp, FileChannel out, DirectAppender direct,
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
                        + writer.root + ": the current file has " + available + " bytes");
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
                throw new IOException("cannot copy " + what + " of " + rel + " in " + writer.root
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
                throw new IOException("cannot copy block " + index + " of " + rel + " in " + writer.root
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
                throw new IOException("cannot commit " + rel + " in " + writer.root + ": received " + written
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
                throw new HashMismatchException("received content of " + rel + " in " + writer.root + " hashes to "
                        + got + ", not " + hash + " as declared; the old file is kept");
            }
            try {
                if (writer.folder.keepTimestamps()) {
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
            writer.retire(target);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (DirectoryNotEmptyException e) {
                discard();
                throw new IOException("cannot put " + rel + " in " + writer.root
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
                if (writer.cache != null) {
                    writer.cache.put(rel, size, mtime, a.fileKey(), hash);
                    writer.cache.putBlocks(rel, size, mtime, a.fileKey(), hasher.blocks());
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
                throw new IOException("cannot receive " + rel + " in " + writer.root + ": more than the declared "
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
}
