package tandem.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.AtomicFiles;

/**
 * Remembers the content hash of each file of a folder with the size, modification time and file key
 * (device and inode on Unix) it had when it was hashed, so a scan re-reads only files whose metadata
 * changed: a cycle over an unchanged folder of many thousand files costs a directory walk, not a
 * read of every byte. One cache per folder and node; keep the file outside the folder itself.
 *
 * <p>The file is UTF-8 text: the header line {@value #HEADER}, then one line per entry,
 * {@code size TAB mtimeMillis TAB fileKey TAB hash TAB path} (an absent file key is {@code -}; a tab,
 * newline or backslash in a key or path is escaped as {@code \t}, {@code \n}, {@code \\}). A missing
 * file is an empty cache; an unreadable or corrupt one is logged and treated as empty, since the cache
 * only saves work and the next scan rebuilds it. Saving writes a temporary file, fsyncs it and renames
 * it over the old one, so a crash leaves either the old or the new cache. Thread-safe.
 */
public final class HashCache {
    static final String HEADER = "tandem-hash-cache 1";

    private static final Logger LOG = LoggerFactory.getLogger(HashCache.class);

    private final Path file;
    private final Map<String, Rec> map;
    private final AtomicLong changes = new AtomicLong();
    private long savedAt;
    /**
     * Block hashes of large files as last hashed, in memory only (a restarted node reads such a file
     * again when it is first compared block by block): what a delta transfer compares, so neither end
     * re-reads a file of hundreds of megabytes that its scan has just hashed.
     */
    private final Map<String, Blocks> blocks = new ConcurrentHashMap<>();
    private final AtomicLong blockCount = new AtomicLong();
    /** At most this many block hashes are kept (16 bytes each: 1 MiB, for 8 GiB of large files). */
    static final long MAX_BLOCKS = 1 << 16;

    private HashCache(Path file, Map<String, Rec> map, boolean stale) {
        this.file = file;
        this.map = map;
        if (stale) {
            changes.set(1); // rewrite a corrupt file at the next save
        }
    }

    /** Loads the cache kept in {@code file}; never fails (see the class comment). */
    public static HashCache open(Path file) {
        Objects.requireNonNull(file, "file");
        ConcurrentHashMap<String, Rec> map = new ConcurrentHashMap<>();
        boolean stale = false;
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            parse(file, text, map);
        } catch (NoSuchFileException e) {
            // first run
        } catch (IOException | RuntimeException e) {
            LOG.warn("hash cache {} is unreadable ({}); starting with an empty cache, the next scan re-hashes every file",
                    file, e.getMessage());
            map.clear();
            stale = true;
        }
        return new HashCache(file, map, stale);
    }

    /** An empty cache that is never saved anywhere useful (for a one-off scan). */
    public static HashCache inMemory() {
        return new HashCache(null, new ConcurrentHashMap<>(), false);
    }

    private static void parse(Path file, String text, Map<String, Rec> map) throws IOException {
        int nl = text.indexOf('\n');
        if (nl < 0 || !text.substring(0, nl).equals(HEADER)) {
            throw new IOException("the first line is not '" + HEADER + "'");
        }
        int line = 1;
        int pos = nl + 1;
        int[] tabs = new int[4];
        while (pos < text.length()) {
            line++;
            int end = text.indexOf('\n', pos);
            if (end < 0) {
                throw new IOException("line " + line + " is cut short");
            }
            int t = pos;
            for (int i = 0; i < 4; i++) {
                t = text.indexOf('\t', t);
                if (t < 0 || t > end) {
                    throw new IOException("line " + line + " has fewer than 5 fields");
                }
                tabs[i] = t++;
            }
            try {
                long size = Long.parseLong(text, pos, tabs[0], 10);
                long mtime = Long.parseLong(text, tabs[0] + 1, tabs[1], 10);
                String key = text.substring(tabs[1] + 1, tabs[2]);
                String hash = text.substring(tabs[2] + 1, tabs[3]);
                String path = unescape(text.substring(tabs[3] + 1, end));
                if (size < 0 || hash.length() != 32 || path.isEmpty()) {
                    throw new IOException("line " + line + " is not a valid entry");
                }
                map.put(path, new Rec(size, mtime, key.equals("-") ? null : unescape(key), hash));
            } catch (NumberFormatException e) {
                throw new IOException("line " + line + " has a malformed number");
            }
            pos = end + 1;
        }
    }

    /** The hash cached for {@code rel} when its size, modification time and file key are still those. */
    public Optional<String> lookup(String rel, long size, long mtime, Object fileKey) {
        Rec r = map.get(rel);
        if (r == null || r.size != size || r.mtime != mtime || !Objects.equals(r.key, keyString(fileKey))) {
            return Optional.empty();
        }
        return Optional.of(r.hash);
    }

    /** Remembers {@code hash} for {@code rel} as it is now. */
    public void put(String rel, long size, long mtime, Object fileKey, String hash) {
        Objects.requireNonNull(rel, "rel");
        Objects.requireNonNull(hash, "hash");
        Rec r = new Rec(size, mtime, keyString(fileKey), hash);
        if (!r.equals(map.put(rel, r))) {
            changes.incrementAndGet();
        }
    }

    /** The block hashes remembered for {@code rel} when its size, modification time and file key are still those. */
    public Optional<List<String>> lookupBlocks(String rel, long size, long mtime, Object fileKey) {
        Blocks b = blocks.get(rel);
        if (b == null || b.size != size || b.mtime != mtime || !Objects.equals(b.key, keyString(fileKey))) {
            return Optional.empty();
        }
        return Optional.of(b.list);
    }

    /**
     * Remembers the block hashes of {@code rel} as it is now (files of one block are not kept: they are
     * never sent as a delta). Unlike {@link #put} this takes a digest of a file changed a moment ago as
     * well: every new digest of the file replaces it, so it is never older than the hash in use.
     */
    public void putBlocks(String rel, long size, long mtime, Object fileKey, List<String> list) {
        Objects.requireNonNull(rel, "rel");
        if (list.size() < 2) {
            return;
        }
        if (blockCount.get() + list.size() > MAX_BLOCKS) {
            blocks.clear(); // rarely: more large files than the budget; the next delta re-reads them
            blockCount.set(0);
        }
        Blocks old = blocks.put(rel, new Blocks(size, mtime, keyString(fileKey), Hashing.BlockList.copyOf(list)));
        blockCount.addAndGet(list.size() - (old == null ? 0 : old.list.size()));
    }

    /** Forgets {@code rel}. */
    public void remove(String rel) {
        forgetBlocks(rel);
        if (map.remove(rel) != null) {
            changes.incrementAndGet();
        }
    }

    /** Forgets every path not in {@code rels} (the files a full scan found). */
    public void retainOnly(Set<String> rels) {
        blocks.keySet().stream().filter(r -> !rels.contains(r)).toList().forEach(this::forgetBlocks);
        if (map.keySet().retainAll(rels)) {
            changes.incrementAndGet();
        }
    }

    private void forgetBlocks(String rel) {
        Blocks old = blocks.remove(rel);
        if (old != null) {
            blockCount.addAndGet(-old.list.size());
        }
    }

    /** Number of entries. */
    public int size() {
        return map.size();
    }

    /**
     * Writes the cache to its file when it changed since it was loaded or last saved: a temporary file
     * in the same folder, fsynced, then atomically renamed over the old one (parent folders are
     * created).
     */
    public synchronized void save() throws IOException {
        if (file == null) {
            return;
        }
        long seen = changes.get();
        if (seen == savedAt && Files.exists(file)) {
            return;
        }
        List<Map.Entry<String, Rec>> entries = new ArrayList<>(map.entrySet());
        entries.sort(Map.Entry.comparingByKey());
        StringBuilder b = new StringBuilder(64 + entries.size() * 100);
        b.append(HEADER).append('\n');
        for (Map.Entry<String, Rec> e : entries) {
            Rec r = e.getValue();
            b.append(r.size).append('\t').append(r.mtime).append('\t')
                    .append(r.key == null ? "-" : escape(r.key)).append('\t')
                    .append(r.hash).append('\t').append(escape(e.getKey())).append('\n');
        }
        AtomicFiles.write(file, b.toString().getBytes(StandardCharsets.UTF_8));
        savedAt = seen;
    }

    /** Saves each cache; one that cannot be saved is a warning (the next scan re-reads its files). */
    public static void saveAll(Collection<HashCache> caches) {
        for (HashCache cache : caches) {
            try {
                cache.save();
            } catch (IOException e) {
                LOG.warn("sync: {}; the next scan re-reads the files it would have remembered", e.getMessage());
            }
        }
    }

    /** The cache's file, or null for {@link #inMemory()}. */
    public Path file() {
        return file;
    }

    private static String keyString(Object fileKey) {
        return fileKey == null ? null : fileKey.toString();
    }

    private static String escape(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\t' || c == '\n' || c == '\\' || c == '\r') {
                return escapeSlow(s);
            }
        }
        return s;
    }

    private static String escapeSlow(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\\' -> b.append("\\\\");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String unescape(String s) throws IOException {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (++i >= s.length()) {
                throw new IOException("dangling backslash");
            }
            switch (s.charAt(i)) {
                case 't' -> b.append('\t');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case '\\' -> b.append('\\');
                default -> throw new IOException("unknown escape \\" + s.charAt(i));
            }
        }
        return b.toString();
    }

    private record Rec(long size, long mtime, String key, String hash) {
    }

    private record Blocks(long size, long mtime, String key, List<String> list) {
    }
}
