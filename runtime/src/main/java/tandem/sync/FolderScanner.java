package tandem.sync;

import java.io.File;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitor;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists a replicated folder as a manifest: one {@link Entry} per replicated file and directory,
 * sorted by path, with each file's content hash. Both nodes scan, and {@link Diff} compares the two
 * manifests.
 *
 * <p>What it lists: regular files and directories that the folder's {@link PathFilter} replicates
 * (directories also when they lie on the way to a replicated file), never the root itself. It does
 * not follow or list symbolic links (one INFO line per scan counts them), skips sockets, pipes and
 * devices, Tandem's own temporary files ({@link FolderWriter#TEMP_PREFIX}), and names the peer would refuse
 * ({@link SafePaths}: control characters, backslashes; logged as a warning). An excluded directory is
 * not descended into.
 *
 * <p>Cost: the walk uses the attributes {@code Files.walkFileTree} already read, so an unchanged file
 * costs no extra system call; a file is read and hashed only when its size, modification time or file
 * key differ from the {@link HashCache}. Hashing runs on two threads of this scanner (closed by
 * {@link #close()}). A file modified shortly before it was hashed is not cached (a second change
 * within the same timestamp tick would otherwise go unnoticed), so it is read again at the next scan:
 * "shortly" is {@value #FINE_RACY_MILLIS} ms on a local file system whose timestamps have sub-second
 * resolution ({@link #racyMillis}), {@value #RACY_MILLIS} ms anywhere else.
 *
 * <p>A file that vanishes while it is hashed is left out; one that changes while it is hashed is
 * hashed again (up to three times, then listed as last read, uncached). A file or directory that
 * cannot be read (permissions, I/O error) fails the scan with an IOException naming it: a manifest
 * that silently lacked files would make a strict standby delete them.
 */
public final class FolderScanner implements AutoCloseable {
    /**
     * Files modified this recently (ms) before being hashed are not cached, where timestamps are coarse
     * (a whole second, or two on FAT) or the file system is not known to be local (a network file
     * system's times come from the server's clock).
     */
    static final long RACY_MILLIS = 2000;
    /**
     * The same on a local file system with sub-second timestamps: Linux stamps a write from a clock
     * that advances every timer tick (at most 10 ms), so a file last modified this long before it was
     * read cannot change again under the same time. Measured on 20,000 files generated just before the
     * first cycle: with 2 s, 7,800 of them were left uncached and the next cycle read them all again.
     */
    static final long FINE_RACY_MILLIS = 100;
    /** File system types ({@code FileStore.type()}) whose clock is this node's and whose times are stored finely. */
    private static final Set<String> LOCAL_FILE_SYSTEMS = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "zfs",
            "f2fs", "bcachefs", "overlay");

    private static final Logger LOG = LoggerFactory.getLogger(FolderScanner.class);
    private static final int THREADS = 2;
    private static final int TRIES = 3;
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final HashCache cache;
    private final ThreadPoolExecutor pool;
    private final LongAdder hashedBytes = new LongAdder();
    private volatile List<Path> temps = List.of();

    /** A scanner that remembers hashes in {@code cache}. */
    public FolderScanner(HashCache cache) {
        this.cache = Objects.requireNonNull(cache, "cache");
        int n = POOLS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "tandem-sync-hash-" + n + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * The folder's manifest, sorted by path.
     *
     * @throws IOException when the root is missing, not a directory or a symbolic link, or when a
     *                     replicated file or directory cannot be read (naming it)
     */
    public List<Entry> scan(SyncFolder f) throws IOException {
        return scan(f, -1);
    }

    /**
     * {@link #scan(SyncFolder)} that leaves files up to {@code deferUpTo} bytes whose hash is not cached
     * unhashed: listed with the hash {@link Entry#UNKNOWN}, and described in {@link #deferred()}, for the
     * active node to hash when it reads them anyway (a first cycle then reads each small file once, not
     * twice). A negative {@code deferUpTo} hashes every file.
     */
    public List<Entry> scan(SyncFolder f, long deferUpTo) throws IOException {
        Path root = checkRoot(f);
        boolean local = localFileSystem(root);
        Walk walk = new Walk(f, root, f.filter(), local);
        Files.walkFileTree(root, EnumSet.noneOf(java.nio.file.FileVisitOption.class), Integer.MAX_VALUE, walk);
        temps = List.copyOf(walk.temps);
        Map<String, Deferred> later = new HashMap<>();
        List<Entry> files = resolve(f, walk.files, deferUpTo, later, local);
        deferred = later;
        Set<String> present = new HashSet<>(files.size() * 2);
        for (Entry e : files) {
            present.add(e.path());
        }
        cache.retainOnly(present);

        List<Entry> out = new ArrayList<>(files.size() + walk.dirs.size());
        out.addAll(files);
        Set<String> dirs = new HashSet<>();
        for (String d : walk.includedDirs) {
            addWithParents(d, dirs);
        }
        for (Entry e : files) {
            addParents(e.path(), dirs);
        }
        for (String d : dirs) {
            Long mtime = walk.dirs.get(d);
            out.add(Entry.dir(d, mtime == null ? 0 : mtime));
        }
        out.sort(Comparator.comparing(Entry::path));
        if (walk.symlinks > 0) {
            LOG.info("{} symbolic links skipped in {}", walk.symlinks, root);
        }
        if (walk.special > 0) {
            LOG.info("{} sockets, pipes or device files skipped in {}", walk.special, root);
        }
        if (walk.unsafe > 0) {
            LOG.warn("{} names in {} cannot be replicated (control characters, backslashes or bytes that are not "
                    + "valid in this system's encoding) and were skipped, e.g. '{}'", walk.unsafe, root, walk.unsafeExample);
        }
        return out;
    }

    /**
     * Entries for just {@code rels} (for a partial cycle after the watcher reported changes): those that
     * exist, are replicated and are not symbolic links (or reached through one), sorted by path. A
     * missing path is simply absent (and forgotten by the cache). A directory is listed when it is
     * replicated itself or could hold replicated files.
     */
    public List<Entry> stat(SyncFolder f, Collection<String> rels) throws IOException {
        Path root = checkRoot(f);
        boolean local = localFileSystem(root);
        PathFilter filter = f.filter();
        List<Candidate> files = new ArrayList<>();
        List<Entry> out = new ArrayList<>();
        for (String rel : new LinkedHashSet<>(rels)) {
            if (!SafePaths.isSafe(rel)) {
                LOG.debug("not listing {} in {}: not a replicable path", SafePaths.printable(String.valueOf(rel)), root);
                continue;
            }
            Path p;
            BasicFileAttributes a;
            try {
                p = SafePaths.resolve(root, rel);
                a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (UnsafePathException e) {
                LOG.debug("not listing {}: {}", rel, e.getMessage());
                continue;
            } catch (NoSuchFileException e) {
                cache.remove(rel);
                continue;
            } catch (IOException e) {
                throw new IOException("cannot read " + root.resolve(rel) + " in folder " + root + ": " + e.getMessage(), e);
            }
            if (a.isDirectory()) {
                if (filter.includesDir(rel) || filter.mayDescend(rel)) {
                    out.add(Entry.dir(rel, a.lastModifiedTime().toMillis()));
                }
            } else if (a.isRegularFile() && filter.includesFile(rel)) {
                files.add(new Candidate(rel, p, a.size(), a.lastModifiedTime().toMillis(), a.fileKey(),
                        racyMillis(local, a.lastModifiedTime())));
            }
        }
        out.addAll(resolve(f, files, -1, null, local));
        out.sort(Comparator.comparing(Entry::path));
        return out;
    }

    /**
     * Tandem's temporary files ({@link FolderWriter#TEMP_PREFIX}) the last {@link #scan} passed in the
     * replicated part of the folder: what an interrupted transfer left ({@link FolderWriter#removeTemps}).
     */
    public List<Path> tempsSeen() {
        return temps;
    }

    /** Bytes read for hashing since this scanner was made. */
    public long hashedBytes() {
        return hashedBytes.sum();
    }

    /** Stops the hashing threads; a scan still running fails. */
    @Override
    public void close() {
        pool.shutdownNow();
    }

    private static Path checkRoot(SyncFolder f) throws IOException {
        Path root = f.root();
        if (Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return root;
        }
        if (Files.isSymbolicLink(root)) {
            throw new IOException("folder " + root + " is a symbolic link; configure the folder it points to");
        }
        if (!Files.exists(root)) {
            throw new IOException("folder " + root + " does not exist");
        }
        throw new IOException("folder " + root + " is not a directory");
    }

    /**
     * The files the last {@link #scan(SyncFolder, long)} left unhashed, by path: what the scan saw of
     * each, for {@link #remember} once its content is known.
     */
    public Map<String, Deferred> deferred() {
        return deferred;
    }

    /**
     * A file listed without its hash: its size, modification time and file key when scanned, and how
     * long before the scan it must have been modified for its hash to be cached ({@link #racyMillis}).
     */
    public record Deferred(long size, long mtime, Object key, long scannedAt, long racyMillis) {
    }

    /**
     * Records in {@code cache} the hash of a file a scan deferred, computed from content read later,
     * when it still is what the scan saw ({@code size}) and was not modified just before the scan.
     */
    public static void remember(HashCache cache, String rel, Deferred d, long size, String hash) {
        if (d != null && d.size() == size && d.mtime() < d.scannedAt() - d.racyMillis()) {
            cache.put(rel, d.size(), d.mtime(), d.key(), hash);
        }
    }

    private volatile Map<String, Deferred> deferred = Map.of();

    /**
     * The entries of the candidates: cached hashes as they are, the others hashed on the pool, or, up to
     * {@code deferUpTo} bytes, listed unhashed and described in {@code later} (when given).
     */
    private List<Entry> resolve(SyncFolder f, List<Candidate> candidates, long deferUpTo, Map<String, Deferred> later,
            boolean local) throws IOException {
        List<Entry> out = new ArrayList<>(candidates.size());
        List<Future<Entry>> pending = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (Candidate c : candidates) {
            var cached = cache.lookup(c.rel, c.size, c.mtime, c.key);
            if (cached.isPresent()) {
                out.add(Entry.file(c.rel, c.size, c.mtime, cached.get()));
            } else if (later != null && c.size <= deferUpTo) {
                out.add(Entry.file(c.rel, c.size, c.mtime, Entry.UNKNOWN));
                later.put(c.rel, new Deferred(c.size, c.mtime, c.key, now, c.racy));
            } else {
                pending.add(pool.submit(() -> hash(f, c, local)));
            }
        }
        try {
            for (Future<Entry> fu : pending) {
                Entry e = fu.get();
                if (e != null) {
                    out.add(e);
                }
            }
        } catch (InterruptedException e) {
            pending.forEach(p -> p.cancel(true));
            Thread.currentThread().interrupt();
            throw new IOException("scan of " + f.root() + " interrupted", e);
        } catch (ExecutionException e) {
            pending.forEach(p -> p.cancel(true));
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("scan of " + f.root() + " failed: " + e.getCause(), e.getCause());
        }
        return out;
    }

    /** Hashes one file; null when it vanished or is no longer a regular file. */
    private Entry hash(SyncFolder f, Candidate c, boolean local) throws IOException {
        long size = c.size;
        long mtime = c.mtime;
        Object key = c.key;
        for (int attempt = 1; ; attempt++) {
            long started = System.currentTimeMillis();
            Hashing.FileDigest d;
            BasicFileAttributes after;
            try {
                d = Hashing.digest(c.path, hashedBytes);
                after = Files.readAttributes(c.path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                cache.remove(c.rel);
                return null;
            } catch (AccessDeniedException e) {
                throw new IOException("cannot read " + c.path + " in folder " + f.root() + ": permission denied", e);
            } catch (FileSystemException e) {
                if (isGone(c.path)) {
                    cache.remove(c.rel);
                    return null;
                }
                throw new IOException("cannot read " + c.path + " in folder " + f.root() + ": " + e.getMessage(), e);
            } catch (IOException e) {
                throw new IOException("cannot read " + c.path + " in folder " + f.root() + ": " + e.getMessage(), e);
            }
            if (!after.isRegularFile()) {
                cache.remove(c.rel);
                return null;
            }
            long afterMtime = after.lastModifiedTime().toMillis();
            boolean stable = d.size() == size && after.size() == size && afterMtime == mtime
                    && Objects.equals(key, after.fileKey());
            if (stable) {
                if (afterMtime < started - racyMillis(local, after.lastModifiedTime())) {
                    cache.put(c.rel, size, afterMtime, after.fileKey(), d.hash());
                }
                cache.putBlocks(c.rel, size, afterMtime, after.fileKey(), d.blocks());
                return Entry.file(c.rel, size, afterMtime, d.hash());
            }
            if (attempt == TRIES) {
                LOG.debug("{} kept changing while it was hashed; listed as last read", c.path);
                return Entry.file(c.rel, d.size(), afterMtime, d.hash());
            }
            size = after.size();
            mtime = afterMtime;
            key = after.fileKey();
        }
    }

    /** Whether {@code p} no longer exists as a regular file (vanished, or replaced by a link). */
    private static boolean isGone(Path p) {
        try {
            return !Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isRegularFile();
        } catch (IOException e) {
            return true;
        }
    }

    private static void addWithParents(String d, Set<String> dirs) {
        if (dirs.add(d)) {
            addParents(d, dirs);
        }
    }

    private static void addParents(String path, Set<String> dirs) {
        int slash = path.lastIndexOf('/');
        while (slash > 0) {
            String parent = path.substring(0, slash);
            if (!dirs.add(parent)) {
                return;
            }
            slash = parent.lastIndexOf('/');
        }
    }

    /** A file the scan lists: {@code racy} is its {@link #racyMillis}. */
    private record Candidate(String rel, Path path, long size, long mtime, Object key, long racy) {
    }

    /**
     * How long (ms) before it is read a file must have been last modified for its hash to be cached:
     * {@link #FINE_RACY_MILLIS} on a local file system when the modification time has a sub-second
     * part (a file system that stores whole seconds shows none, nor does one a tool stamped with a whole
     * second, which is then simply treated as coarse), else {@link #RACY_MILLIS}.
     */
    static long racyMillis(boolean localFileSystem, FileTime mtime) {
        return localFileSystem && mtime.to(TimeUnit.NANOSECONDS) % 1_000_000_000L != 0 ? FINE_RACY_MILLIS : RACY_MILLIS;
    }

    /** Whether {@code root} lies on a local file system with fine timestamps (see {@link #LOCAL_FILE_SYSTEMS}). */
    static boolean localFileSystem(Path root) {
        try {
            return LOCAL_FILE_SYSTEMS.contains(Files.getFileStore(root).type());
        } catch (IOException | RuntimeException e) {
            return false; // unknown: treated as coarse
        }
    }

    /** The directory walk: collects candidates, counts what it skips. */
    private static final class Walk implements FileVisitor<Path> {
        private final SyncFolder folder;
        private final Path root;
        private final PathFilter filter;
        private final int prefix;
        private final boolean slashes = File.separatorChar == '/';
        /** {@link #localFileSystem} of the root: what each file's {@link #racyMillis} depends on. */
        private final boolean local;
        final List<Candidate> files = new ArrayList<>();
        final Map<String, Long> dirs = new HashMap<>();
        final List<String> includedDirs = new ArrayList<>();
        final List<Path> temps = new ArrayList<>();
        int symlinks;
        int special;
        int unsafe;
        String unsafeExample;

        Walk(SyncFolder folder, Path root, PathFilter filter, boolean local) {
            this.folder = folder;
            this.root = root;
            this.filter = filter;
            this.local = local;
            String r = root.toString();
            this.prefix = r.endsWith(File.separator) ? r.length() : r.length() + 1;
        }

        private String rel(Path p) {
            String s = p.toString().substring(prefix);
            return slashes ? s : s.replace(File.separatorChar, '/');
        }

        private boolean replicable(String rel) {
            if (SafePaths.isSafe(rel) && rel.indexOf('\uFFFD') < 0) {
                return true;
            }
            if (unsafe++ == 0) {
                unsafeExample = SafePaths.printable(rel);
            }
            return false;
        }

        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            if (dir.equals(root)) {
                return FileVisitResult.CONTINUE;
            }
            if (dir.getFileName().toString().startsWith(FolderWriter.TEMP_PREFIX)) {
                return FileVisitResult.SKIP_SUBTREE;
            }
            String rel = rel(dir);
            if (!filter.mayDescend(rel) || !replicable(rel)) {
                return FileVisitResult.SKIP_SUBTREE;
            }
            dirs.put(rel, attrs.lastModifiedTime().toMillis());
            if (filter.includesDir(rel)) {
                includedDirs.add(rel);
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isSymbolicLink()) {
                symlinks++;
                return FileVisitResult.CONTINUE;
            }
            if (!attrs.isRegularFile()) {
                if (!attrs.isDirectory()) {
                    special++;
                }
                return FileVisitResult.CONTINUE;
            }
            if (file.getFileName().toString().startsWith(FolderWriter.TEMP_PREFIX)) {
                temps.add(file);
                return FileVisitResult.CONTINUE;
            }
            String rel = rel(file);
            if (filter.includesFile(rel) && replicable(rel)) {
                files.add(new Candidate(rel, file, attrs.size(), attrs.lastModifiedTime().toMillis(), attrs.fileKey(),
                        racyMillis(local, attrs.lastModifiedTime())));
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
            return failed(file, exc);
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
            return exc == null ? FileVisitResult.CONTINUE : failed(dir, exc);
        }

        private FileVisitResult failed(Path p, IOException exc) throws IOException {
            if (exc instanceof NoSuchFileException && !p.equals(root)) {
                return FileVisitResult.CONTINUE; // vanished during the walk
            }
            if (!p.equals(root)) {
                String rel = rel(p);
                if (!filter.includesFile(rel) && !filter.mayDescend(rel)) {
                    return FileVisitResult.CONTINUE; // not replicated anyway
                }
            }
            String why = exc instanceof AccessDeniedException ? "permission denied" : exc.getMessage();
            throw new IOException("cannot read " + p + " in folder " + folder.root() + ": " + why, exc);
        }
    }
}
