package tandem.redundancy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import tandem.config.Durations;

/**
 * The lock of a backup folder (RED-5): whoever creates a backup there holds it until the archive and its
 * manifest are in place, and a transfer takes it before it reads an archive, so that a transfer never
 * starts while the backup it would send is being created (nor the creation's clean-up deletes an archive
 * a transfer is sending). It is a lock inside this process (the node's own creation and transfer) and an
 * OS file lock on {@code <folder>/.tandem-backup.lock} (another Tandem process, such as a second node
 * configured on the same folder by mistake). A wait for it is bounded: who cannot have it in time fails
 * with a sentence saying so.
 */
final class BackupLock {
    /** The lock file's name inside the backup folder. */
    static final String FILE = ".tandem-backup.lock";

    private final Path folder;
    private final ReentrantLock local = new ReentrantLock(true);

    BackupLock(Path folder) {
        this.folder = folder;
    }

    /** A lock taken; closing it releases it. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Takes the lock for {@code purpose} (said in the error), waiting at most {@code wait}.
     *
     * @throws BackupException when it could not be taken in time or the lock file cannot be opened
     */
    Held acquire(String purpose, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        boolean got;
        try {
            got = local.tryLock(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackupException("interrupted while waiting for the lock of " + folder + " (" + purpose + ")", e);
        }
        if (!got) {
            throw timedOut(purpose, wait);
        }
        FileChannel channel = null;
        try {
            java.nio.file.Files.createDirectories(folder);
            channel = FileChannel.open(folder.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                lock = waitFor(channel, Math.max(0, deadline - System.nanoTime()), purpose, wait);
            }
            FileChannel open = channel;
            FileLock taken = lock;
            return () -> {
                try {
                    taken.release();
                    open.close();
                } catch (IOException e) {
                    // closing the channel releases the lock whatever release said
                } finally {
                    local.unlock();
                }
            };
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            local.unlock();
            if (e instanceof BackupException b) {
                throw b;
            }
            throw new BackupException("cannot take the lock " + folder.resolve(FILE) + " (" + purpose + "): " + e, e);
        }
    }

    /** Another process holds the file lock: wait for it on a thread of its own, at most {@code nanos}. */
    private FileLock waitFor(FileChannel channel, long nanos, String purpose, Duration wait) throws IOException {
        FutureTask<FileLock> task = new FutureTask<>(channel::lock);
        Thread t = new Thread(task, "tandem-backup-lock");
        t.setDaemon(true);
        t.start();
        try {
            return task.get(nanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            task.cancel(true); // interrupting a thread blocked in FileChannel.lock closes the channel
            throw timedOut(purpose, wait);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            throw new BackupException("interrupted while waiting for the lock of " + folder + " (" + purpose + ")", e);
        }
    }

    private BackupException timedOut(String purpose, Duration wait) {
        return new BackupException("a backup is being created in " + folder + ": waited " + Durations.format(wait)
                + " for it to finish, in vain (" + purpose + "; RED-5: a transfer never overlaps the creation of"
                + " its backup)");
    }

    private static void closeQuietly(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }
}
