package tandem.replication;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting, in a standby's cycle, for work it handed to other threads. */
final class Tasks {
    private Tasks() {
    }

    /** What a task on another thread returned, or what it threw, as this thread would have. */
    static <T> T await(Future<T> result) throws SyncException, IOException {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SyncException("the cycle was interrupted");
        } catch (ExecutionException e) {
            throw rethrown(e);
        }
    }

    /** What a task on another thread threw, as this thread would have: a SyncException or an IOException. */
    private static SyncException rethrown(ExecutionException e) throws IOException {
        Throwable c = e.getCause();
        if (c instanceof SyncException se) {
            return se;
        }
        if (c instanceof IOException io) {
            throw io;
        }
        throw new IllegalStateException(c);
    }
}
