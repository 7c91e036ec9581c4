package tandem.sync;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.AtomicFiles;
import tandem.Daemons;

/**
 * How a {@link FolderWriter} commits many received files at once ({@link FolderWriter#commitAll},
 * {@link FolderWriter#stage}, {@link FolderWriter#finishStaged()}). With {@code syncfs}
 * ({@link FileSystemSync}) the checked files of every writer go to one committer thread, which
 * flushes the file system once for all that were handed over since its last flush and only then
 * renames them into place; without it, the files of a batch are fsynced on four threads and each
 * directory once at the end.
 */
final class GroupCommit {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    /** Fsyncs the files of a batch in parallel where there is no {@code syncfs}. */
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

    /** Runs the group commits of every writer, one at a time. */
    private static final ThreadPoolExecutor COMMITTER = Daemons.single("tandem-sync-commit");

    /** Files checked and waiting for the next flush; guarded by itself. */
    private final List<IncomingFile> staged = new ArrayList<>();
    private boolean committing;
    private long stagedCommitted;
    private IOException stagedFailure;

    private final FolderWriter writer;
    private final Path root;
    private final BooleanSupplier mayInstall;

    /** @param mayInstall asked by the committer thread before it renames a group into place */
    GroupCommit(FolderWriter writer, BooleanSupplier mayInstall) {
        this.writer = writer;
        this.root = writer.root();
        this.mayInstall = mayInstall;
    }

    /** See {@link FolderWriter#commitAll}. */
    List<Entry> commitAll(List<IncomingFile> batch) throws IOException {
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
            for (IncomingFile in : batch) {
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
                    batch.forEach(IncomingFile::abort);
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
                dirs.add(batch.get(i).target().getParent());
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
    private List<Entry> commitAllBySyncfs(List<IncomingFile> batch) throws IOException {
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
        return batch.stream().map(IncomingFile::committed).flatMap(Optional::stream).toList();
    }

    /** See {@link FolderWriter#stage}. */
    void stage(List<IncomingFile> batch) throws IOException {
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
        List<IncomingFile> ready = new ArrayList<>(batch.size());
        for (IncomingFile in : batch) {
            try {
                in.prepare(false);
                in.handOver();
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

    /** See {@link FolderWriter#finishStaged()}. */
    long finishStaged() throws IOException {
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
            List<IncomingFile> group;
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
                for (IncomingFile in : group) {
                    try {
                        in.install();
                        ok++;
                    } catch (IOException e) {
                        failure = failure == null ? e : failure;
                    }
                }
            } catch (IOException | RuntimeException | Error e) {
                IOException io = e instanceof IOException x ? x : new IOException(e.toString(), e);
                failure = failure == null ? writer.failure(io, group.get(0).path(), "cannot save a batch of " + group.size()
                        + " files with") : failure;
            } finally {
                group.forEach(IncomingFile::discard); // no-op for those installed
            }
            synchronized (staged) {
                stagedCommitted += ok;
                if (failure != null && stagedFailure == null) {
                    stagedFailure = failure;
                }
            }
        }
    }
}
