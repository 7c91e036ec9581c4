package tandem.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.Daemons;
import tandem.config.Folder;
import tandem.sync.Entry;
import tandem.sync.FolderScanner;
import tandem.sync.HashCache;
import tandem.sync.Hashing;
import tandem.sync.Kind;
import tandem.sync.SafePaths;
import tandem.sync.Signature;
import tandem.sync.SyncFolder;
import tandem.sync.UnsafePathException;

/**
 * The active node's side of the sync channel (the {@code sync} bean of route {@code sync-serve}): it
 * answers the standby's requests and writes nothing but its hash caches. The standby pulls: it asks
 * for the folder list (SBS-5: the active node's list decides), the manifests, block hashes and file
 * data, and decides and writes on its own side. Served only while this node is active (PRIM or ALONE):
 * a standby's copy is never anybody's reference.
 *
 * <p>Requests are checked before anything is read: the sender must be the configured peer, its
 * session's sequence must go up, its clock within 10 minutes of ours; every path must be a plain
 * relative path inside the folder, with no symbolic link on the way. A path that is not is refused
 * and logged as an attack.
 */
public final class SyncServer {
    private static final Logger LOG = LoggerFactory.getLogger(SyncServer.class);
    /** Entries per manifest page (~100 bytes each in JSON; small pages keep the node's heap small). */
    static final int PAGE = 2_000;
    /** {@link #PAGE}; tests make it small. */
    private volatile int pageSize = PAGE;
    private static final long MAX_CLOCK_DIFF = 10 * 60_000L;
    private static final int SESSIONS = 256;
    private static final int CYCLES = 8;

    /** The pre-sync hook: runs the command line, returns null when it succeeded, else why not. */
    public interface Hook {
        String run();
    }

    private final String peerId;
    private final List<Folder> folders;
    private final Path cacheDir;
    private final BooleanSupplier active;
    private final Clock clock;
    private final tandem.link.DropLog drops = new tandem.link.DropLog();
    private final Supplier<Hook> preSync;
    private final Map<String, Long> sessions = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > SESSIONS;
        }
    };
    /** Per cycle: the pre-sync outcome and the scans already made, so that pages come from one scan. */
    private final Map<String, Cycle> cycles = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cycle> eldest) {
            if (size() > CYCLES) {
                eldest.getValue().end();
                return true;
            }
            return false;
        }
    };
    private final Map<String, HashCache> caches = new LinkedHashMap<>();
    private volatile Supplier<List<String>> activeServices = () -> null;
    private volatile java.util.function.Function<Folder, java.util.Optional<List<String>>> updates =
            f -> java.util.Optional.empty();
    private volatile CycleDone lastDone;
    private final Object doneSignal = new Object();

    /** What the standby reported at the end of its last cycle. */
    public record CycleDone(String cycle, boolean ok, boolean full, long at) {
    }

    /** Saves hash caches, one at a time, behind the replies. */
    private static final ThreadPoolExecutor SAVER = Daemons.single("tandem-sync-cache-save");

    private static final class Cycle {
        /** When a request of this cycle last came (this node's clock). */
        long lastUsed;
        boolean hookRan;
        String hookFailure;
        final Map<String, List<Entry>> scans = new LinkedHashMap<>();
        /** Per folder: the files its scan left unhashed (the standby asked for it), hashed when read. */
        final Map<String, Map<String, FolderScanner.Deferred>> deferred = new ConcurrentHashMap<>();
        final Set<HashCache> caches = new java.util.LinkedHashSet<>();
        /** Folders found to be real directories (no link) while serving this cycle: not examined again. */
        final Set<Path> knownDirs = ConcurrentHashMap.newKeySet();
        /** The heap may grow while the cycle is served (its scans are live data). */
        private final HeapRoom.Handle room = HeapRoom.widen();

        /**
         * The cycle is over (done, or forgotten): its scans' hashes are saved, after the reply and off
         * the channel's thread, and the heap may shrink.
         */
        void end() {
            List<HashCache> toSave = List.copyOf(caches);
            SAVER.execute(() -> {
                HashCache.saveAll(toSave);
                room.close();
            });
        }
    }

    /**
     * @param peerId   the only node whose requests are served
     * @param folders  the replicated folders as configured here (the active node's list decides)
     * @param cacheDir where the hash caches live ({@code <state-dir>/sync})
     * @param active   whether this node is PRIM or ALONE now
     * @param preSync  the pre-sync hook, or a supplier of null
     */
    public SyncServer(String peerId, List<Folder> folders, Path cacheDir, BooleanSupplier active, Clock clock,
            Supplier<Hook> preSync) {
        this.peerId = Objects.requireNonNull(peerId, "peerId");
        this.folders = List.copyOf(folders);
        this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
        this.active = Objects.requireNonNull(active, "active");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.preSync = Objects.requireNonNull(preSync, "preSync");
    }

    /** Where each cycle's list of the services running on this node comes from (null: not told). */
    public void reportServices(Supplier<List<String>> running) {
        this.activeServices = Objects.requireNonNull(running, "running");
    }

    /**
     * How a folder's update script is run: the paths it printed (relative to the folder, checked), or
     * empty when it failed (the standby then compares everything).
     */
    public void updateScripts(java.util.function.Function<Folder, java.util.Optional<List<String>>> runner) {
        this.updates = Objects.requireNonNull(runner, "runner");
    }

    /** The route's entry point: one request in, one reply out (an error reply, never an exception). */
    public SyncMessage handle(SyncMessage request) {
        ObjectNode h = request.header();
        ObjectNode reply = SyncCodec.JSON.createObjectNode();
        reply.put("type", "reply");
        reply.put("re", h.path("seq").asLong());
        reply.put("session", h.path("session").asText());
        try {
            checkSender(h);
            if (!active.getAsBoolean()) {
                throw new Refused("not active", "this node is not active, so it serves no data");
            }
            Data payload = switch (request.type()) {
                case "folders" -> Data.of(folders(h, reply));
                case "manifest" -> Data.of(manifest(h, reply));
                case "stat" -> Data.of(stat(h, reply));
                case "blocks" -> Data.of(blocks(h, reply));
                case "read" -> read(h, reply);
                case "readMany" -> readMany(h, reply);
                case "done" -> Data.of(done(h, reply));
                default -> throw new Refused("unknown request", "unknown request \"" + request.type() + "\"");
            };
            reply.put("ok", true);
            return new SyncMessage(reply, payload.bytes(), payload.length());
        } catch (UnsafePathException e) {
            LOG.error("sync channel: ATTACK? {} asked for an unsafe path: {}; refused", h.path("from").asText("?"),
                    e.getMessage());
            return error(reply, "unsafe path refused: " + e.getMessage());
        } catch (Refused e) {
            // a replayed capture needs no secret: a flood of them is logged like one of bad connections
            SyncPipelines.warnRateLimited(LOG, drops, clock, e.reason == null ? "refused " + request.type() : e.reason,
                    "sync channel: refused " + request.type() + " from " + h.path("from").asText("?") + ": "
                            + e.getMessage());
            return error(reply, e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.warn("sync channel: {} failed: {}", request.type(), e.toString());
            return error(reply, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** What the standby said at the end of its last cycle, or null before the first. */
    public CycleDone lastDone() {
        return lastDone;
    }

    /** Waits at most {@code d} for the standby's next end-of-cycle report. */
    void awaitDone(java.time.Duration d) {
        synchronized (doneSignal) {
            try {
                doneSignal.wait(Math.max(1, d.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static SyncMessage error(ObjectNode reply, String why) {
        reply.put("ok", false);
        reply.put("error", why);
        return new SyncMessage(reply);
    }

    private synchronized void checkSender(ObjectNode h) throws Refused {
        String from = h.path("from").asText("");
        if (!from.equals(peerId)) {
            throw new Refused("unexpected node", "request from node \"" + from + "\", expected \"" + peerId + "\"");
        }
        long ts = h.path("ts").asLong(0);
        if (Math.abs(clock.millis() - ts) > MAX_CLOCK_DIFF) {
            throw new Refused("timestamp", "request timestamp " + ts + " is more than 10 minutes from this node's clock");
        }
        String session = h.path("session").asText("");
        long seq = h.path("seq").asLong(0);
        if (session.isEmpty() || seq <= 0) {
            throw new Refused("no session", "request without session or sequence");
        }
        Long last = sessions.get(session);
        if (last != null && seq <= last) {
            throw new Refused("replayed", "request " + seq + " of session " + session + " is not after " + last + " (replayed?)");
        }
        sessions.put(session, seq);
    }

    private Folder folder(ObjectNode h) throws Refused {
        String id = h.path("folder").asText("");
        for (Folder f : folders) {
            if (f.path().toString().equals(id)) {
                return f;
            }
        }
        throw new Refused("no replicated folder \"" + id + "\"");
    }

    private synchronized Cycle cycle(ObjectNode h) {
        endIdleCycles();
        Cycle c = cycles.computeIfAbsent(h.path("cycle").asText(""), k -> new Cycle());
        c.lastUsed = clock.millis();
        return c;
    }

    /**
     * Ends the cycles no request came for in {@link #CYCLE_IDLE} ms: a standby that stopped mid-cycle
     * (crashed, or took over) never says done, and its cycle's scans and its hold on the heap would
     * otherwise stay until {@link #CYCLES} newer cycles pushed it out.
     */
    private synchronized void endIdleCycles() {
        long now = clock.millis();
        for (var it = cycles.values().iterator(); it.hasNext(); ) {
            Cycle c = it.next();
            if (now - c.lastUsed > CYCLE_IDLE) {
                it.remove();
                c.end();
            }
        }
    }

    /** A cycle idle this long (ms) is over: longer than any request may take to come. */
    static final long CYCLE_IDLE = 10 * 60_000L;

    /** Cycles under way (tests). */
    synchronized int cyclesUnderway() {
        endIdleCycles();
        return cycles.size();
    }

    /**
     * What reads use of their cycle: its folders found real and its deferred files, or nothing when the
     * cycle is not known (already over: a read asked ahead and sent after the standby said done), which
     * must not start a new one.
     */
    private synchronized ReadContext reads(ObjectNode h, Folder f) {
        Cycle c = cycles.get(h.path("cycle").asText(""));
        if (c == null) {
            return new ReadContext(ConcurrentHashMap.newKeySet(), Map.of());
        }
        c.lastUsed = clock.millis();
        return new ReadContext(c.knownDirs, c.deferred.getOrDefault(f.path().toString(), Map.of()));
    }

    private record ReadContext(Set<Path> knownDirs, Map<String, FolderScanner.Deferred> deferred) {
    }

    private synchronized HashCache cache(Folder f) {
        return caches.computeIfAbsent(f.path().toString(), id -> HashCache.open(cacheDir.resolve(cacheName(id))));
    }

    /** A file name for a folder's hash cache: the path's hash, so any path maps to a plain name. */
    static String cacheName(String folderId) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(
                    folderId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12) + ".hashes";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] folders(ObjectNode h, ObjectNode reply) throws Refused {
        Cycle c = cycle(h);
        synchronized (c) {
            if (!c.hookRan) {
                Hook hook = preSync.get();
                c.hookFailure = hook == null ? null : hook.run();
                c.hookRan = true;
            }
        }
        if (c.hookFailure != null) {
            throw new Refused("the pre-sync hook failed: " + c.hookFailure);
        }
        // SBS-2, SBS-4: the services running here, every cycle, so a takeover starts the same ones
        List<String> running = activeServices.get();
        if (running != null) {
            running.forEach(reply.putArray("services")::add);
        }
        boolean full = h.path("full").asBoolean(false);
        ArrayNode list = reply.putArray("folders");
        for (Folder f : folders) {
            ObjectNode o = list.addObject();
            o.put("id", f.path().toString());
            if (full && f.updateScript().isPresent()) {
                // SBS-4: the site's update script lists what changed; without a list the standby compares all
                updates.apply(f).ifPresent(paths -> paths.forEach(o.putArray("changed")::add));
            }
            o.put("target", f.standbyPath().toString());
            f.include().forEach(o.putArray("include")::add);
            f.exclude().forEach(o.putArray("exclude")::add);
            o.put("strict", f.strict());
            o.put("keepTimestamps", f.keepTimestamps());
        }
        return SyncMessage.NONE;
    }

    /** Entries per manifest page from now on (tests: a small tree in many pages). */
    void pageSize(int entries) {
        if (entries < 1) {
            throw new IllegalArgumentException("page size " + entries);
        }
        this.pageSize = entries;
    }

    private byte[] manifest(ObjectNode h, ObjectNode reply) throws IOException, Refused {
        Folder f = folder(h);
        Cycle c = cycle(h);
        List<Entry> all;
        synchronized (c) {
            all = c.scans.get(f.path().toString());
            if (all == null) {
                HashCache cache = cache(f);
                try (FolderScanner s = new FolderScanner(cache)) {
                    // a standby that asks for it gets small files whose hash is not cached yet unhashed:
                    // it fetches them anyway when it lacks them, and their hashes come with their data
                    all = s.scan(SyncFolder.of(f), Math.min(h.path("defer").asLong(-1), SyncCodec.MAX_PAYLOAD));
                    c.deferred.put(f.path().toString(), s.deferred());
                }
                c.scans.put(f.path().toString(), all);
                c.caches.add(cache); // saved when the cycle ends: the standby need not wait for it
            }
        }
        int page = Math.max(0, h.path("page").asInt(0));
        int per = pageSize;
        int from = (int) Math.min(all.size(), (long) page * per);
        int to = Math.min(all.size(), from + per);
        entries(reply.putArray("entries"), all.subList(from, to));
        reply.put("more", to < all.size());
        reply.put("total", all.size());
        return SyncMessage.NONE;
    }

    private byte[] stat(ObjectNode h, ObjectNode reply) throws IOException, Refused {
        Folder f = folder(h);
        List<String> rels = new ArrayList<>();
        for (JsonNode p : h.path("paths")) {
            rels.add(SafePaths.check(p.asText()));
        }
        HashCache cache = cache(f);
        List<Entry> found;
        try (FolderScanner s = new FolderScanner(cache)) {
            found = s.stat(SyncFolder.of(f), rels);
        }
        entries(reply.putArray("entries"), found);
        return SyncMessage.NONE;
    }

    private byte[] blocks(ObjectNode h, ObjectNode reply) throws IOException, Refused {
        Folder f = folder(h);
        String rel = h.path("path").asText("");
        Path file = SafePaths.resolve(f.path(), rel);
        Signature s = Signature.of(file, cache(f), rel);
        reply.put("size", s.size());
        ArrayNode b = reply.putArray("blocks");
        s.blocks().forEach(b::add);
        return SyncMessage.NONE;
    }

    /** A reply's payload: the first {@code length} bytes of {@code bytes} (a {@link Payloads} array for file data). */
    private record Data(byte[] bytes, int length) {
        static Data of(byte[] b) {
            return new Data(b, b.length);
        }
    }

    private Data read(ObjectNode h, ObjectNode reply) throws IOException, Refused {
        Folder f = folder(h);
        String rel = h.path("path").asText("");
        Path file = SafePaths.resolveForRead(f.path(), rel, reads(h, f).knownDirs());
        long offset = h.path("offset").asLong(-1);
        int length = h.path("length").asInt(-1);
        if (offset < 0 || length < 0 || length > SyncCodec.MAX_PAYLOAD) {
            throw new Refused("read of " + length + " bytes at " + offset + " is out of bounds");
        }
        FileChannel opened = SafePaths.openForRead(file, rel);
        if (opened == null) {
            throw new NoSuchFileException(file.toString());
        }
        try (FileChannel ch = opened) {
            int want = (int) Math.max(0, Math.min(length, ch.size() - offset));
            byte[] out = Payloads.take(want);
            ByteBuffer buf = ByteBuffer.wrap(out, 0, want);
            while (buf.hasRemaining()) {
                if (ch.read(buf, offset + buf.position()) < 0) {
                    break;
                }
            }
            reply.put("size", ch.size());
            return new Data(out, buf.position());
        }
    }

    private Data readMany(ObjectNode h, ObjectNode reply) throws IOException, Refused {
        Folder f = folder(h);
        ReadContext c = reads(h, f);
        Set<Path> known = c.knownDirs();
        Map<String, FolderScanner.Deferred> deferred = c.deferred();
        HashCache cache = deferred.isEmpty() ? null : cache(f);
        ArrayNode sizes = reply.putArray("sizes");
        ObjectNode hashes = null;
        List<FileChannel> files = new ArrayList<>();
        try {
            long[] lengths = new long[h.path("paths").size()];
            String[] rels = new String[lengths.length];
            long total = 0;
            int i = 0;
            for (JsonNode p : h.path("paths")) {
                String rel = p.asText("");
                rels[i] = rel;
                FileChannel ch = SafePaths.openForRead(SafePaths.resolveForRead(f.path(), rel, known), rel);
                files.add(ch);
                long size = ch == null ? -1 : ch.size();
                if (size < 0 || total + size > SyncCodec.MAX_PAYLOAD) {
                    size = -1; // gone, or grew past the batch: the standby fetches it on its own next time
                } else {
                    total += size;
                }
                lengths[i++] = size;
            }
            // one array for the batch, each file read straight into its place
            byte[] out = Payloads.take((int) total);
            int at = 0;
            for (i = 0; i < lengths.length; i++) {
                long want = lengths[i];
                if (want < 0) {
                    sizes.add(-1);
                    continue;
                }
                int got = readInto(files.get(i), out, at, (int) want);
                if (got != want) {
                    sizes.add(-1); // changed size while read
                    continue;
                }
                sizes.add(got);
                FolderScanner.Deferred d = deferred.get(rels[i]);
                if (d != null) {
                    // listed without its hash: hashed now, from the bytes that go out
                    if (hashes == null) {
                        hashes = reply.putObject("hashes");
                    }
                    String hash = Hashing.hash(out, at, got);
                    hashes.put(rels[i], hash);
                    FolderScanner.remember(cache, rels[i], d, got, hash); // saved with the cycle's scan
                }
                at += got;
            }
            return new Data(out, at);
        } finally {
            for (FileChannel ch : files) {
                if (ch != null) {
                    try {
                        ch.close();
                    } catch (IOException e) {
                        LOG.debug("sync channel: cannot close a file: {}", e.getMessage());
                    }
                }
            }
        }
    }

    /** Reads exactly {@code len} bytes of the open file into {@code out} at {@code off}; -1 if it has more or fewer. */
    private static int readInto(FileChannel ch, byte[] out, int off, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(out, off, len);
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                return -1;
            }
        }
        return ch.size() == len ? len : -1;
    }

    private byte[] done(ObjectNode h, ObjectNode reply) {
        lastDone = new CycleDone(h.path("cycle").asText(""), h.path("ok").asBoolean(false), h.path("full").asBoolean(false),
                clock.millis());
        synchronized (this) {
            Cycle c = cycles.remove(h.path("cycle").asText(""));
            if (c != null) {
                c.end();
            }
        }
        synchronized (doneSignal) {
            doneSignal.notifyAll();
        }
        return SyncMessage.NONE;
    }

    static void entries(ArrayNode out, List<Entry> entries) {
        for (Entry e : entries) {
            ArrayNode a = out.addArray();
            a.add(e.path());
            if (e.kind() == Kind.DIR) {
                a.add("d");
            } else {
                a.add("f").add(e.size()).add(e.mtimeMillis()).add(e.hash());
            }
        }
    }

    /** A request that is not served, with the reason the standby is told. */
    static final class Refused extends Exception {
        /** The kind of refusal the log keeps one window for; null: the request's type (one the switch knows). */
        final String reason;

        Refused(String message) {
            this(null, message);
        }

        Refused(String reason, String message) {
            super(message);
            this.reason = reason;
        }
    }
}
