package tandem.replication;

import static tandem.replication.SyncMessage.request;
import static tandem.replication.Tasks.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import tandem.Daemons;
import tandem.sync.Entry;
import tandem.sync.Kind;
import tandem.sync.SafePaths;
import tandem.sync.SyncFolder;
import tandem.sync.UnsafePathException;

/**
 * The standby's half of the manifest exchange: the active node's manifest of a folder, asked for in
 * pages, and the hashes of the files it left unhashed where only content can tell them apart. Every
 * path that comes back is checked ({@link SafePaths}).
 */
final class ManifestExchange {
    private final SyncTransport transport;

    ManifestExchange(SyncTransport transport) {
        this.transport = Objects.requireNonNull(transport, "transport");
    }

    /** The active node's manifest of {@code f}, every page of it, with small files perhaps unhashed. */
    List<Entry> manifest(String cycle, SyncFolder f) throws SyncException, UnsafePathException, IOException {
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
        req.put("defer", Fetcher.SMALL);
        return transport.request(new SyncMessage(req));
    }

    /**
     * The active node's entries with a hash for every file this node also has at the same size: only
     * content can tell those apart, so their hashes are asked for ({@code stat}, in pages). A file
     * this node lacks, or has at another size, is fetched whatever its hash.
     */
    List<Entry> hashesOfLookAlikes(String cycle, SyncFolder f, List<Entry> remote, List<Entry> local)
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

    /** The active node's entries for {@code paths}, hashed; a path it does not have is left out. */
    List<Entry> stat(String cycle, SyncFolder f, Set<String> paths) throws SyncException, UnsafePathException {
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
}
