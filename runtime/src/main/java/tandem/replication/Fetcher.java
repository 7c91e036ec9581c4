package tandem.replication;

import static tandem.replication.SyncMessage.request;
import static tandem.replication.Tasks.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import tandem.Daemons;
import tandem.sync.Diff;
import tandem.sync.Entry;
import tandem.sync.FolderWriter;
import tandem.sync.HashCache;
import tandem.sync.HashMismatchException;
import tandem.sync.Hashing;
import tandem.sync.IncomingFile;
import tandem.sync.SafePaths;
import tandem.sync.Signature;
import tandem.sync.SyncFolder;

/**
 * The standby's fetcher: brings the files a {@link Diff.Plan} names over from the active node and
 * writes them through a {@link FolderWriter}. Small files come in batches of up to
 * {@link SyncCodec#MAX_PAYLOAD}, big ones in chunks of that size with a few asked for ahead, and a big
 * file that changed in part only by the blocks that differ; {@link #PARALLEL} requests are in flight
 * at a time. A file that changed on the active node while it was read is left for the next cycle,
 * with a warning in the cycle's counts.
 */
final class Fetcher {
    /** Files up to this size are fetched in batches. */
    static final long SMALL = 256 * 1024;

    /** How many requests a cycle keeps in flight: disk and network of both nodes overlap. */
    static final int PARALLEL = 4;

    /** Throws when this node may no longer write: it is no longer the standby. */
    interface Guard {
        void check() throws SyncException;
    }

    private final SyncTransport transport;
    private final Guard guard;

    /** @param guard asked before every write */
    Fetcher(SyncTransport transport, Guard guard) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.guard = Objects.requireNonNull(guard, "guard");
    }

    private interface Fetch {
        void run() throws SyncException, IOException;
    }

    /** Fetches {@code files} whole, the large ones first, and waits until all are in place. */
    void fetchWhole(String cycle, SyncFolder f, FolderWriter w, List<Entry> files, CycleCounts n)
            throws SyncException, IOException {
        List<Fetch> large = new ArrayList<>();
        List<Fetch> work = new ArrayList<>();
        List<Entry> batch = new ArrayList<>();
        long batchBytes = 0;
        // large files first, biggest first: the longest transfers start at once and the batches of
        // small files fill the time beside them, instead of one big file running alone at the end
        List<Entry> big = files.stream().filter(x -> x.size() > SMALL)
                .sorted(Comparator.comparingLong(Entry::size).reversed()).toList();
        ExecutorService ahead = big.isEmpty() ? null : Executors.newCachedThreadPool(Daemons.named("tandem-sync-read-ahead"));
        for (Entry e : big) {
            large.add(() -> fetchLarge(cycle, f, w, e, n, ahead));
        }
        for (Entry e : files) {
            if (e.size() > SMALL) {
                continue;
            }
            if (batchBytes + e.size() > SyncCodec.MAX_PAYLOAD && !batch.isEmpty()) {
                List<Entry> b = List.copyOf(batch);
                work.add(() -> fetchBatch(cycle, f, w, b, n));
                batch.clear();
                batchBytes = 0;
            }
            batch.add(e);
            batchBytes += e.size();
        }
        if (!batch.isEmpty()) {
            List<Entry> b = List.copyOf(batch);
            work.add(() -> fetchBatch(cycle, f, w, b, n));
        }
        large.addAll(work);
        boolean done = false;
        try {
            runAll(large);
            done = true;
        } finally {
            if (ahead != null) {
                ahead.shutdownNow();
            }
            if (!done) {
                // the batches staged before the failure are put in place (or thrown away) before it is reported
                try {
                    n.copied(w.finishStaged());
                } catch (IOException e) {
                    n.warnings.add(e.getMessage());
                }
            }
        }
        n.copied(w.finishStaged());
    }

    /** Runs the fetches {@link #PARALLEL} at a time; the first failure stops the rest and is thrown. */
    private static void runAll(List<Fetch> work) throws SyncException, IOException {
        if (work.size() <= 1) {
            for (Fetch x : work) {
                x.run();
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, Daemons.named("tandem-sync-fetch"));
        try {
            // the pool runs PARALLEL at a time; the rest wait in its queue, and a failure cancels them
            ExecutorCompletionService<Void> done = new ExecutorCompletionService<>(pool);
            for (Fetch x : work) {
                done.submit(() -> {
                    x.run();
                    return null;
                });
            }
            for (int i = 0; i < work.size(); i++) {
                await(done.take());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SyncException("the cycle was interrupted");
        } finally {
            pool.shutdownNow();
            try {
                pool.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void fetchBatch(String cycle, SyncFolder f, FolderWriter w, List<Entry> batch, CycleCounts n)
            throws SyncException, IOException {
        ObjectNode req = request("readMany", cycle);
        req.put("folder", f.id());
        ArrayNode paths = req.putArray("paths");
        batch.forEach(e -> paths.add(e.path()));
        SyncMessage reply = transport.request(new SyncMessage(req));
        JsonNode sizes = reply.header().path("sizes");
        JsonNode hashes = reply.header().path("hashes");
        byte[] data = reply.payload();
        List<IncomingFile> incoming = new ArrayList<>();
        int at = 0;
        try {
            for (int i = 0; i < batch.size(); i++) {
                Entry e = batch.get(i);
                int size = sizes.path(i).asInt(-1);
                if (size < 0 || size != e.size() || at + size > reply.length()) {
                    n.warnings.add(e.path() + " changed or vanished while copied");
                    at += Math.max(0, size);
                    continue;
                }
                String hash = e.hashKnown() ? e.hash() : hashes.path(e.path()).asText("");
                if (hash.isEmpty()) {
                    n.warnings.add(e.path() + " came without its hash; fetched again next cycle");
                    at += size;
                    continue;
                }
                guard.check();
                IncomingFile in = w.begin(e.path(), e.size(), e.mtimeMillis(), hash);
                incoming.add(in);
                in.write(data, at, size);
                at += size;
                n.bytes(size);
            }
            reply.release();
            guard.check();
            stage(w, incoming, n);
        } finally {
            incoming.forEach(IncomingFile::abort); // not those staged: the group commit has them
        }
    }

    /**
     * Hands a batch to the writer's group commit ({@link FolderWriter#stage}; counted when the group commits
     * are finished); a file whose hash does not match (it changed while read) is left for later.
     */
    private static void stage(FolderWriter w, List<IncomingFile> batch, CycleCounts n) throws IOException {
        try {
            w.stage(batch);
        } catch (IOException e) {
            List<IOException> all = new ArrayList<>();
            all.add(e);
            for (Throwable t : e.getSuppressed()) {
                if (t instanceof IOException io) {
                    all.add(io);
                }
            }
            for (IOException one : all) {
                if (!(one instanceof HashMismatchException)) {
                    throw one;
                }
                n.warnings.add(one.getMessage());
            }
        }
    }

    /**
     * Fetches a large file in chunks, {@link #READ_AHEAD} requests in flight (a single large file
     * would otherwise wait a round trip per chunk), written in order as they arrive.
     */
    private void fetchLarge(String cycle, SyncFolder f, FolderWriter w, Entry e, CycleCounts n,
            ExecutorService ahead) throws SyncException, IOException {
        guard.check();
        ArrayDeque<Future<SyncMessage>> asked = new ArrayDeque<>();
        try (IncomingFile in = w.begin(e.path(), e.size(), e.mtimeMillis(), e.hash())) {
            long next = 0;
            long offset = 0;
            while (offset < e.size()) {
                while (asked.size() < READ_AHEAD && next < e.size()) {
                    long at = next;
                    int len = (int) Math.min(SyncCodec.MAX_PAYLOAD, e.size() - at);
                    asked.add(ahead.submit(() -> read(cycle, f, e.path(), at, len)));
                    next += len;
                }
                int len = (int) Math.min(SyncCodec.MAX_PAYLOAD, e.size() - offset);
                SyncMessage chunk = await(asked.poll());
                if (chunk.length() != len) {
                    n.warnings.add(e.path() + " changed size while copied");
                    return;
                }
                in.write(chunk.payload(), 0, len);
                chunk.release();
                offset += len;
                n.bytes(len);
            }
            commitOne(in, n);
        } finally {
            asked.forEach(x -> x.cancel(true));
        }
    }

    /** Chunks of one large file asked for ahead of the one being written. */
    static final int READ_AHEAD = 3;

    /** Rebuilds the large file {@code e} from the blocks this node has and those that differ. */
    void fetchDelta(String cycle, SyncFolder f, FolderWriter w, HashCache cache, Entry e, CycleCounts n)
            throws SyncException, IOException {
        guard.check();
        Path local = SafePaths.resolve(f.root(), e.path());
        Signature mine = Signature.of(local, cache, e.path());
        ObjectNode req = request("blocks", cycle);
        req.put("folder", f.id());
        req.put("path", e.path());
        SyncMessage reply = transport.request(new SyncMessage(req));
        if (reply.header().path("size").asLong(-1) != e.size()) {
            n.warnings.add(e.path() + " changed size while compared");
            return;
        }
        List<String> theirs = new ArrayList<>();
        reply.header().path("blocks").forEach(b -> theirs.add(b.asText()));
        Set<Integer> changed = new TreeSet<>(Diff.changedBlocks(mine, theirs));
        try (IncomingFile in = w.begin(e.path(), e.size(), e.mtimeMillis(), e.hash())) {
            int blocks = theirs.size();
            for (int i = 0; i < blocks; ) {
                if (!changed.contains(i)) {
                    // a run of unchanged blocks: copied by the kernel, their hashes known
                    int j = i;
                    while (j < blocks && !changed.contains(j)) {
                        j++;
                    }
                    in.copyBlocks(i, j - i, mine.blocks());
                    i = j;
                    continue;
                }
                // a run of changed blocks, read in one request of at most MAX_PAYLOAD
                int j = i;
                while (j < blocks && changed.contains(j) && (j - i + 1) * (long) Hashing.BLOCK <= SyncCodec.MAX_PAYLOAD) {
                    j++;
                }
                long offset = (long) i * Hashing.BLOCK;
                int len = (int) Math.min((long) (j - i) * Hashing.BLOCK, e.size() - offset);
                SyncMessage data = read(cycle, f, e.path(), offset, len);
                if (data.length() != len) {
                    n.warnings.add(e.path() + " changed size while copied");
                    return;
                }
                in.write(data.payload(), 0, len);
                data.release();
                n.bytes(len);
                i = j;
            }
            commitOne(in, n);
        }
    }

    /** Puts one rebuilt file in place; one that changed on the active node while read waits for the next cycle. */
    private void commitOne(IncomingFile in, CycleCounts n) throws SyncException, IOException {
        guard.check();
        try {
            in.commit();
            n.copied(1);
        } catch (HashMismatchException m) {
            n.warnings.add(m.getMessage());
        }
    }

    /** One range of a file; the caller releases the reply's payload once written. */
    private SyncMessage read(String cycle, SyncFolder f, String path, long offset, int length) throws SyncException {
        ObjectNode req = request("read", cycle);
        req.put("folder", f.id());
        req.put("path", path);
        req.put("offset", offset);
        req.put("length", length);
        return transport.request(new SyncMessage(req));
    }
}
