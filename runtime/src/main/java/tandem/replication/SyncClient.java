package tandem.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.Daemons;
import tandem.sync.Diff;
import tandem.sync.DiskFullException;
import tandem.sync.Entry;
import tandem.sync.FolderScanner;
import tandem.sync.FolderWriter;
import tandem.sync.HashCache;
import tandem.sync.HashMismatchException;
import tandem.sync.Hashing;
import tandem.sync.IncomingFile;
import tandem.sync.Kind;
import tandem.sync.SafePaths;
import tandem.sync.Signature;
import tandem.sync.SyncFolder;
import tandem.sync.UnsafePathException;

/**
 * The standby's side of replication: one pull cycle at a time. It asks the active node for its
 * folder list (which decides what is copied, SBS-5; where this node writes, its own configuration
 * decides: {@link AllowedTargets}), compares the manifests, and writes what differs through
 * {@link FolderWriter} (temporary file, fsync, hash check, rename). Small files come in batches of up to
 * {@link SyncCodec#MAX_PAYLOAD}, big ones in chunks of that size, and a big file that changed in part only by the blocks that differ.
 *
 * <p>Before every write it asks {@code mayWrite} (this node is still SECOND): a cycle overtaken by a
 * takeover stops before it touches anything the node's own services now write.
 */
public final class SyncClient {
    private static final Logger LOG = LoggerFactory.getLogger(SyncClient.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Files up to this size are fetched in batches. */
    static final long SMALL = 256 * 1024;

    private final SyncTransport transport;
    private final Path cacheDir;
    private final BooleanSupplier mayWrite;
    private final Clock clock;
    private final Map<String, HashCache> caches = new LinkedHashMap<>();
    private final String localId;
    private final AllowedTargets allowed;
    /** Targets refused as not allowed, each logged as an attack once (not at every cycle). */
    private final Set<Path> refusedLogged = ConcurrentHashMap.newKeySet();

    /** One folder as the active node described it, placed where this node keeps it. */
    record Remote(SyncFolder folder) {
    }

    private volatile java.util.function.Consumer<List<String>> onServices = x -> { };
    /**
     * Folders fully compared by this process: an update script's list (what changed since its last
     * run) is only enough on top of one; a cycle that fails takes the folder out again.
     */
    private final Set<String> compared = ConcurrentHashMap.newKeySet();

    /** Told, every cycle, which services the active node runs (SBS-2). */
    public void onServices(java.util.function.Consumer<List<String>> consumer) {
        this.onServices = Objects.requireNonNull(consumer, "consumer");
    }

    /** @param allowed where this node's configuration lets it write */
    public SyncClient(String localId, SyncTransport transport, Path cacheDir, AllowedTargets allowed,
            BooleanSupplier mayWrite, Clock clock) {
        this.localId = Objects.requireNonNull(localId, "localId");
        this.allowed = Objects.requireNonNull(allowed, "allowed");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
        this.mayWrite = Objects.requireNonNull(mayWrite, "mayWrite");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Runs one cycle: every file ({@code changed == null}), or just the given paths per folder id
     * (what the active node's watcher reported). The active node hears how it ended.
     */
    public synchronized CycleReport cycle(Map<String, ? extends Collection<String>> changed) throws SyncException {
        // the heap may grow while the cycle runs; it is compacted (when it grew a lot) after the cycle
        try (HeapRoom.Handle room = HeapRoom.widen()) {
            return run(changed);
        }
    }

    private CycleReport run(Map<String, ? extends Collection<String>> changed) throws SyncException {
        boolean full = changed == null;
        long started = clock.millis();
        byte[] id = new byte[6];
        RANDOM.nextBytes(id);
        String cycle = HexFormat.of().formatHex(id);
        Counts n = new Counts();
        boolean ok = false;
        try {
            ObjectNode req = request("folders", cycle);
            req.put("full", full);
            SyncMessage reply = transport.request(new SyncMessage(req));
            if (reply.header().has("services")) {
                List<String> running = new ArrayList<>();
                reply.header().path("services").forEach(x -> running.add(x.asText()));
                onServices.accept(List.copyOf(running));
            }
            // every folder is checked before anything is written: one refused fails the cycle untouched
            List<SyncFolder> placed = new ArrayList<>();
            for (JsonNode f : reply.header().path("folders")) {
                placed.add(placed(folder(f)));
            }
            int i = 0;
            for (JsonNode f : reply.header().path("folders")) {
                SyncFolder folder = placed.get(i++);
                if (full && f.has("changed") && compared.contains(folder.id())) {
                    // SBS-4: the active node's update script listed what changed since its last run
                    List<String> listed = new ArrayList<>();
                    f.path("changed").forEach(x -> listed.add(x.asText()));
                    try {
                        pullFolder(cycle, folder, listed, n);
                    } catch (SyncException e) {
                        compared.remove(folder.id()); // what the script listed is lost: compare all next time
                        throw e;
                    }
                } else if (full) {
                    compared.remove(folder.id());
                    pullFolder(cycle, folder, null, n);
                    compared.add(folder.id());
                } else if (changed.containsKey(folder.id())) {
                    pullFolder(cycle, folder, changed.get(folder.id()), n);
                }
            }
            ok = true;
        } finally {
            try {
                ObjectNode done = request("done", cycle);
                done.put("ok", ok);
                done.put("full", full);
                transport.request(new SyncMessage(done));
            } catch (SyncException e) {
                LOG.debug("sync: could not report the end of cycle {}: {}", cycle, e.getMessage());
            }
            // after every flush of the cycle, and behind it: deleting a replaced file of hundreds of
            // megabytes took 600 ms here (ext4 freeing its blocks), which the cycle need not wait for
            List<FolderWriter> writers = List.copyOf(n.writers);
            List<HashCache> toSave = List.copyOf(n.caches);
            RELEASER.execute(() -> {
                HashCache.saveAll(toSave);
                writers.forEach(FolderWriter::releaseRetired);
            });
        }
        return new CycleReport(full, n.entries, n.copied, n.bytes, n.deleted, n.touched, clock.millis() - started,
                n.compareMillis, n.warnings);
    }

    private static ObjectNode request(String type, String cycle) {
        ObjectNode h = SyncCodec.JSON.createObjectNode();
        h.put("type", type);
        h.put("cycle", cycle);
        return h;
    }

    private static SyncFolder folder(JsonNode f) throws SyncException {
        String target = f.path("target").asText("");
        Path root;
        try {
            root = Path.of(target);
        } catch (RuntimeException e) {
            throw new SyncException("the active node names folder target \"" + target + "\", which is not a path here");
        }
        if (!root.isAbsolute()) {
            throw new SyncException("the active node names folder target \"" + target + "\", which is not absolute");
        }
        List<String> include = new ArrayList<>();
        f.path("include").forEach(i -> include.add(i.asText()));
        List<String> exclude = new ArrayList<>();
        f.path("exclude").forEach(i -> exclude.add(i.asText()));
        return new SyncFolder(f.path("id").asText(), root, include, exclude, f.path("strict").asBoolean(false),
                f.path("keepTimestamps").asBoolean(false));
    }

    /**
     * The folder as this node writes it, at the real path of its target; refused unless this node's
     * configuration allows the target ({@link AllowedTargets}), logged as an attack once per target.
     */
    private SyncFolder placed(SyncFolder f) throws SyncException {
        Path real;
        try {
            real = allowed.check(f.root());
        } catch (AllowedTargets.NotAllowed e) {
            if (refusedLogged.add(f.root())) {
                LOG.error("sync: ATTACK? the active node names folder {} with target {}, which this node's"
                        + " configuration does not allow: {}; every cycle is refused and nothing is written (if the"
                        + " folder is meant, list it in replication.folders or under replication.allowed-roots)",
                        f.id(), f.root(), e.getMessage());
            }
            throw new SyncException("the active node names a folder this node may not write: " + e.getMessage()
                    + "; refused");
        } catch (IOException e) {
            throw new SyncException("folder target " + f.root() + ": " + e.getMessage(), e);
        }
        SyncFolder at = new SyncFolder(f.id(), real, f.include(), f.exclude(), f.strict(), f.keepTimestamps());
        refuseDangerousTarget(at);
        return at;
    }

    /**
     * A folder list comes from the active node (SBS-5), so a mistake there (or a compromised peer)
     * must not turn this node's root or Tandem's own state into a replicated folder, where strict sync
     * would delete what the active node lacks. Behind {@link AllowedTargets}: a configuration that
     * allows such a place is still refused.
     */
    private void refuseDangerousTarget(SyncFolder f) throws SyncException {
        Path root = f.root().normalize();
        if (root.getNameCount() == 0) {
            throw new SyncException("the active node names folder target " + root + ", a file system root; refused");
        }
        Path state;
        try {
            state = AllowedTargets.real(cacheDir); // the target is a real path: so is what it is compared with
        } catch (IOException e) {
            state = cacheDir.toAbsolutePath().normalize();
        }
        if (state.startsWith(root) || root.startsWith(state)) {
            throw new SyncException("the active node names folder target " + root + ", which holds or lies in this"
                    + " node's own state (" + state + "); refused");
        }
    }

    private HashCache cache(SyncFolder f) {
        return caches.computeIfAbsent(f.id(), id -> HashCache.open(cacheDir.resolve(SyncServer.cacheName(id))));
    }

    private void pullFolder(String cycle, SyncFolder f, Collection<String> only, Counts n) throws SyncException {
        HashCache cache = cache(f);
        FolderWriter w = new FolderWriter(f, cache, mayWrite);
        try {
            guard();
            Files.createDirectories(f.root());
            List<Entry> local;
            List<Entry> remote;
            long compareStart = clock.millis();
            try (FolderScanner s = new FolderScanner(cache)) {
                if (only == null) {
                    // the active node scans its tree while this one scans its own
                    CompletableFuture<List<Entry>> theirs = new CompletableFuture<>();
                    Thread fetch = new Thread(() -> {
                        try {
                            theirs.complete(manifest(cycle, f));
                        } catch (Exception | Error e) {
                            theirs.completeExceptionally(e);
                        }
                    }, "tandem-sync-manifest");
                    fetch.setDaemon(true);
                    fetch.start();
                    local = s.scan(f);
                    int left = w.removeTemps(s.tempsSeen());
                    if (left > 0) {
                        LOG.info("sync: removed {} temporary files an interrupted cycle left in {}", left, f.root());
                    }
                    remote = hashesOfLookAlikes(cycle, f, await(theirs), local);
                } else {
                    Set<String> paths = new TreeSet<>();
                    for (String p : only) {
                        paths.add(SafePaths.check(p));
                    }
                    local = s.stat(f, paths);
                    remote = stat(cycle, f, paths);
                }
            }
            n.entries += remote.size();
            n.compareMillis += clock.millis() - compareStart;
            Diff.Plan plan = Diff.plan(f, remote, local);
            for (String gone : plan.delete()) {
                guard();
                w.delete(gone);
                n.deleted++;
            }
            for (Entry d : plan.mkdirs()) {
                guard();
                w.mkdirs(d.path());
            }
            fetchWhole(cycle, f, w, plan.whole(), n);
            for (Entry e : plan.delta()) {
                fetchDelta(cycle, f, w, cache, e, n);
            }
            for (Entry e : plan.touch()) {
                guard();
                w.touch(e.path(), e.mtimeMillis());
                n.touched++;
            }
            // saved behind the cycle (its report does not wait for 20,000 entries to be written and
            // flushed); only the next scan needs it, and one lost in a crash costs that scan re-reading
            n.caches.add(cache);
        } catch (UnsafePathException e) {
            LOG.error("sync: ATTACK? the active node sent an unsafe path for folder {}: {}; the cycle is refused",
                    f.id(), e.getMessage());
            throw new SyncException("refused an unsafe path from the active node: " + e.getMessage(), e);
        } catch (DiskFullException e) {
            throw new SyncException("disk full on this node: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new SyncException("folder " + f.root() + ": " + e.getMessage(), e);
        } finally {
            n.writers.add(w); // its old versions are freed when the cycle is over
        }
    }

    /** What a task on another thread returned, or what it threw, as this thread would have. */
    private static <T> T await(Future<T> result) throws SyncException, IOException {
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

    private void guard() throws SyncException {
        if (!mayWrite.getAsBoolean()) {
            throw new SyncException("this node is no longer the standby; the cycle stops before writing");
        }
    }

    private List<Entry> manifest(String cycle, SyncFolder f) throws SyncException, UnsafePathException, IOException {
        List<Entry> all = new ArrayList<>();
        SyncMessage first = manifestPage(cycle, f, 0);
        parse(first.header().path("entries"), all);
        if (!first.header().path("more").asBoolean(false)) {
            return all;
        }
        // the first page told how many entries there are: the others are asked for a few at a time,
        // so the active node writes the next page while this node reads the last
        int perPage = first.header().path("entries").size();
        long total = first.header().path("total").asLong(-1);
        if (perPage <= 0 || total <= perPage) {
            throw new SyncException("the active node's manifest of folder " + f.id() + " announces more pages but "
                    + total + " entries in all, in pages of " + perPage);
        }
        int pages = (int) Math.min(Integer.MAX_VALUE, (total + perPage - 1) / perPage);
        ExecutorService pool = Executors.newFixedThreadPool(MANIFEST_AHEAD, Daemons.named("tandem-sync-manifest-page"));
        try {
            ArrayDeque<Future<SyncMessage>> asked = new ArrayDeque<>();
            int next = 1;
            for (int page = 1; page < pages; page++) {
                while (next < pages && asked.size() < MANIFEST_AHEAD) {
                    int p = next++;
                    asked.add(pool.submit(() -> manifestPage(cycle, f, p)));
                }
                parse(await(asked.poll()).header().path("entries"), all);
            }
        } finally {
            pool.shutdownNow();
        }
        if (all.size() != total) {
            throw new SyncException("the active node's manifest of folder " + f.id() + " has " + all.size()
                    + " entries, not the " + total + " it announced");
        }
        return all;
    }

    /** Manifest pages asked for ahead of the one being read. */
    static final int MANIFEST_AHEAD = 2;

    private SyncMessage manifestPage(String cycle, SyncFolder f, int page) throws SyncException {
        ObjectNode req = request("manifest", cycle);
        req.put("folder", f.id());
        req.put("page", page);
        // small files whose hash the active node has not cached may come unhashed: what this node
        // lacks it fetches anyway, and their hashes come with their data (readMany)
        req.put("defer", SMALL);
        return transport.request(new SyncMessage(req));
    }

    /**
     * The active node's entries with a hash for every file this node also has at the same size: only
     * content can tell those apart, so their hashes are asked for ({@code stat}, in pages). A file
     * this node lacks, or has at another size, is fetched whatever its hash.
     */
    private List<Entry> hashesOfLookAlikes(String cycle, SyncFolder f, List<Entry> remote, List<Entry> local)
            throws SyncException, UnsafePathException {
        Map<String, Entry> mine = new HashMap<>(local.size() * 2);
        for (Entry e : local) {
            mine.put(e.path(), e);
        }
        Set<String> ask = new TreeSet<>();
        for (Entry e : remote) {
            Entry m = mine.get(e.path());
            if (e.kind() == Kind.FILE && !e.hashKnown() && m != null && m.kind() == Kind.FILE && m.size() == e.size()) {
                ask.add(e.path());
            }
        }
        if (ask.isEmpty()) {
            return remote;
        }
        Map<String, Entry> hashed = new HashMap<>(ask.size() * 2);
        List<String> all = new ArrayList<>(ask);
        for (int from = 0; from < all.size(); from += STAT_PAGE) {
            for (Entry e : stat(cycle, f, new TreeSet<>(all.subList(from, Math.min(all.size(), from + STAT_PAGE))))) {
                hashed.put(e.path(), e);
            }
        }
        List<Entry> out = new ArrayList<>(remote.size());
        for (Entry e : remote) {
            if (!ask.contains(e.path())) {
                out.add(e);
            } else if (hashed.containsKey(e.path())) {
                out.add(hashed.get(e.path()));
            } // else: gone on the active node since its scan
        }
        return out;
    }

    /** Paths per {@code stat} request when asking for hashes. */
    static final int STAT_PAGE = 2000;

    private List<Entry> stat(String cycle, SyncFolder f, Set<String> paths) throws SyncException, UnsafePathException {
        ObjectNode req = request("stat", cycle);
        req.put("folder", f.id());
        ArrayNode a = req.putArray("paths");
        paths.forEach(a::add);
        List<Entry> out = new ArrayList<>();
        parse(transport.request(new SyncMessage(req)).header().path("entries"), out);
        return out;
    }

    private static void parse(JsonNode entries, List<Entry> out) throws UnsafePathException {
        for (JsonNode e : entries) {
            String path = SafePaths.check(e.path(0).asText(""));
            if (e.path(1).asText().equals("d")) {
                out.add(new Entry(path, Kind.DIR, 0, 0, null));
            } else {
                out.add(new Entry(path, Kind.FILE, e.path(2).asLong(), e.path(3).asLong(), e.path(4).asText()));
            }
        }
    }

    /**
     * Behind each cycle, one cycle's at a time: saves the hash caches it updated and frees the old
     * versions of what it replaced.
     */
    private static final ThreadPoolExecutor RELEASER = Daemons.single("tandem-sync-release");

    /** How many requests a cycle keeps in flight: disk and network of both nodes overlap. */
    static final int PARALLEL = 4;

    private interface Fetch {
        void run() throws SyncException, IOException;
    }

    private void fetchWhole(String cycle, SyncFolder f, FolderWriter w, List<Entry> files, Counts n)
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

    private void fetchBatch(String cycle, SyncFolder f, FolderWriter w, List<Entry> batch, Counts n)
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
                guard();
                IncomingFile in = w.begin(e.path(), e.size(), e.mtimeMillis(), hash);
                incoming.add(in);
                in.write(data, at, size);
                at += size;
                n.bytes(size);
            }
            reply.release();
            guard();
            stage(w, incoming, n);
        } finally {
            incoming.forEach(IncomingFile::abort); // not those staged: the group commit has them
        }
    }

    /**
     * Hands a batch to the writer's group commit ({@link FolderWriter#stage}; counted when the group commits
     * are finished); a file whose hash does not match (it changed while read) is left for later.
     */
    private static void stage(FolderWriter w, List<IncomingFile> batch, Counts n) throws IOException {
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
    private void fetchLarge(String cycle, SyncFolder f, FolderWriter w, Entry e, Counts n,
            ExecutorService ahead) throws SyncException, IOException {
        guard();
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

    private void fetchDelta(String cycle, SyncFolder f, FolderWriter w, HashCache cache, Entry e, Counts n)
            throws SyncException, IOException {
        guard();
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
    private void commitOne(IncomingFile in, Counts n) throws SyncException, IOException {
        guard();
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

    /** What a cycle did; fetches of two threads add to it, so every update holds its lock. */
    private static final class Counts {
        long entries;
        long copied;
        long bytes;
        long deleted;
        long touched;
        long compareMillis;
        final List<String> warnings = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<FolderWriter> writers = new ArrayList<>();
        final Set<HashCache> caches = new java.util.LinkedHashSet<>();

        synchronized void copied(long files) {
            copied += files;
        }

        synchronized void bytes(long b) {
            bytes += b;
        }
    }

    @Override
    public String toString() {
        return "sync client of " + localId;
    }
}
