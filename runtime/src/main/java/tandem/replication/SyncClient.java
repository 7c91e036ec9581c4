package tandem.replication;

import static tandem.replication.SyncMessage.request;
import static tandem.replication.Tasks.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
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
import tandem.sync.SafePaths;
import tandem.sync.SyncFolder;
import tandem.sync.UnsafePathException;

/**
 * The standby's side of replication: one pull cycle at a time. It asks the active node for its
 * folder list (which decides what is copied, SBS-5; where this node writes, its own configuration
 * decides: {@link AllowedTargets}), compares the manifests, and writes what differs through
 * {@link FolderWriter} (temporary file, fsync, hash check, rename). The manifests are exchanged by a
 * {@link ManifestExchange}, the files brought over by a {@link Fetcher}.
 *
 * <p>Before every write it asks {@code mayWrite} (this node is still SECOND): a cycle overtaken by a
 * takeover stops before it touches anything the node's own services now write.
 */
public final class SyncClient {
    private static final Logger LOG = LoggerFactory.getLogger(SyncClient.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * Behind each cycle, one cycle's at a time: saves the hash caches it updated and frees the old
     * versions of what it replaced.
     */
    private static final ThreadPoolExecutor RELEASER = Daemons.single("tandem-sync-release");

    private final SyncTransport transport;
    private final ManifestExchange manifests;
    private final Fetcher fetcher;
    private final Path cacheDir;
    private final BooleanSupplier mayWrite;
    private final Clock clock;
    private final Map<String, HashCache> caches = new LinkedHashMap<>();
    private final String localId;
    private final AllowedTargets allowed;
    /** Targets refused as not allowed, each logged as an attack once (not at every cycle). */
    private final Set<Path> refusedLogged = ConcurrentHashMap.newKeySet();

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
        this.manifests = new ManifestExchange(transport);
        this.fetcher = new Fetcher(transport, this::guard);
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
        CycleCounts n = new CycleCounts();
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

    private void pullFolder(String cycle, SyncFolder f, Collection<String> only, CycleCounts n) throws SyncException {
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
                            theirs.complete(manifests.manifest(cycle, f));
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
                    remote = manifests.hashesOfLookAlikes(cycle, f, await(theirs), local);
                } else {
                    Set<String> paths = new TreeSet<>();
                    for (String p : only) {
                        paths.add(SafePaths.check(p));
                    }
                    local = s.stat(f, paths);
                    remote = manifests.stat(cycle, f, paths);
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
            fetcher.fetchWhole(cycle, f, w, plan.whole(), n);
            for (Entry e : plan.delta()) {
                fetcher.fetchDelta(cycle, f, w, cache, e, n);
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

    private void guard() throws SyncException {
        if (!mayWrite.getAsBoolean()) {
            throw new SyncException("this node is no longer the standby; the cycle stops before writing");
        }
    }

    @Override
    public String toString() {
        return "sync client of " + localId;
    }
}
