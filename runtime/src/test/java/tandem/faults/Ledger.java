package tandem.faults;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The application's data and the checks on it. The writer keeps changing files on the active node as a
 * careful application would: the new version is written beside the folder, fsynced, renamed into it,
 * and the folder fsynced; only then does it count as made durable by that node. Every file checks
 * itself: its first line names it and its version, its last line is the SHA-256 of everything before,
 * so a partial or mixed file is recognised wherever it is seen.
 *
 * <p>A version is <em>replicated</em> once a scan has seen it, whole, in the other node's folder.
 * What a takeover may lose is what the old active made durable but was never replicated (the
 * asynchronous window, counted in the notes); a replicated version missing from the new active's
 * folder, a version going backwards on the active, or a partial file anywhere is a violation.
 */
final class Ledger {
    static final int FILES = 24;

    private final Pair pair;
    private final Random random;
    private final Consumer<String> violation;
    /** The highest version written of each file. */
    private final Map<String, Long> written = new HashMap<>();
    /** Per node: the versions it holds as last scanned (whole files only). */
    private final List<Map<String, Long>> seen = new ArrayList<>(List.of(new HashMap<>(), new HashMap<>(), new HashMap<>()));
    /** Per node: the versions that node must keep while it is active: written there, or replicated to it. */
    private final List<Map<String, Long>> owed = List.of(new HashMap<>(), new HashMap<>(), new HashMap<>());
    private long writes;
    private long lostInWindow;

    Ledger(Pair pair, long seed, Consumer<String> violation) {
        this.pair = pair;
        this.random = new Random(seed);
        this.violation = violation;
    }

    /** Writes the next version of one file on {@code node} (the active); false when it could not. */
    synchronized boolean write(int node) {
        String name = String.format("f%02d.dat", random.nextInt(FILES));
        long version = written.getOrDefault(name, 0L) + 1;
        byte[] body = content(name, version, 512 + random.nextInt(32 * 1024));
        Path tmp = pair.scratch(node).resolve(name + ".new");
        Path target = pair.data(node).resolve(name);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(body));
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(pair.data(node), StandardOpenOption.READ)) {
                dir.force(true);
            }
        } catch (IOException e) {
            return false;
        }
        written.put(name, version);
        owed.get(node).put(name, version);
        writes++;
        return true;
    }

    static byte[] content(String name, long version, int size) {
        StringBuilder sb = new StringBuilder(size + 100);
        sb.append(name).append(' ').append(version).append('\n');
        Random r = new Random(name.hashCode() * 31L + version);
        while (sb.length() < size) {
            sb.append(Long.toString(r.nextLong() & Long.MAX_VALUE, 36)).append('\n');
        }
        byte[] head = sb.toString().getBytes(StandardCharsets.US_ASCII);
        String sum = "sha256 " + HexFormat.of().formatHex(sha256(head)) + "\n";
        byte[] all = new byte[head.length + sum.length()];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(sum.getBytes(StandardCharsets.US_ASCII), 0, all, head.length, sum.length());
        return all;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The version a file holds, or -1 when it is partial, mixed or not one of ours. */
    static long version(String name, byte[] b) {
        int last = b.length - 1;
        if (last < 0 || b[last] != '\n') {
            return -1;
        }
        int start = last - 1;
        while (start >= 0 && b[start] != '\n') {
            start--;
        }
        String tail = new String(b, start + 1, last - start - 1, StandardCharsets.US_ASCII);
        if (!tail.startsWith("sha256 ")) {
            return -1;
        }
        byte[] head = java.util.Arrays.copyOf(b, start + 1);
        if (!HexFormat.of().formatHex(sha256(head)).equals(tail.substring(7))) {
            return -1;
        }
        int nl = 0;
        while (nl < head.length && head[nl] != '\n') {
            nl++;
        }
        String[] first = new String(head, 0, nl, StandardCharsets.US_ASCII).split(" ");
        if (first.length != 2 || !first[0].equals(name)) {
            return -1;
        }
        return Long.parseLong(first[1]);
    }

    /**
     * Reads node's folder: every visible file must be whole (Tandem's own temporary files aside). Returns
     * the versions held, by name.
     */
    Map<String, Long> scan(int node, String when) {
        Map<String, Long> now = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(pair.data(node))) {
            for (Path f : ds) {
                String name = f.getFileName().toString();
                if (name.startsWith(".tandem-sync-")) {
                    continue;
                }
                byte[] b;
                try {
                    b = Files.readAllBytes(f);
                } catch (NoSuchFileException e) {
                    continue; // replaced or deleted between the listing and the read
                }
                long v = version(name, b);
                if (v < 0) {
                    // a rename may replace it between two reads; a partial file stays partial
                    byte[] again;
                    try {
                        again = Files.readAllBytes(f);
                    } catch (NoSuchFileException e) {
                        continue;
                    }
                    if (version(name, again) < 0 && java.util.Arrays.equals(b, again)) {
                        violation.accept(when + ": node" + node + " shows a partial or unknown file " + name + " ("
                                + b.length + " bytes)");
                    }
                    continue;
                }
                now.put(name, v);
            }
        } catch (IOException e) {
            violation.accept(when + ": node" + node + "'s folder cannot be read: " + e);
        }
        return now;
    }

    /**
     * A scan of both nodes while {@code active} (1, 2, or 0 when none is) serves: partial files anywhere,
     * and a version the active owes going missing or backwards.
     */
    synchronized void check(int active, String when) {
        for (int n = 1; n <= 2; n++) {
            Map<String, Long> now = scan(n, when);
            seen.set(n, now);
            if (n != active && active != 0) {
                // replicated: the active now also owes what reached the standby, and so does the standby
                for (var e : now.entrySet()) {
                    if (!writers(e.getKey())) {
                        continue;
                    }
                    Long mine = owed.get(active).get(e.getKey());
                    if (mine != null && mine.equals(e.getValue())) {
                        owed.get(n).merge(e.getKey(), e.getValue(), Math::max);
                    }
                }
            }
        }
        if (active != 0) {
            Map<String, Long> now = seen.get(active);
            for (var e : owed.get(active).entrySet()) {
                long has = now.getOrDefault(e.getKey(), -1L);
                if (has < e.getValue()) {
                    violation.accept(when + ": node" + active + " (active) holds " + e.getKey() + " at version "
                            + (has < 0 ? "none" : has) + ", but version " + e.getValue()
                            + " was made durable there or replicated to it before");
                }
            }
        }
    }

    /**
     * The active changed from {@code from} to {@code to}: what {@code from} made durable but never reached
     * {@code to} is the asynchronous window's loss (counted); {@code to} now owes what it holds.
     */
    synchronized void takeover(int from, int to, String when) {
        Map<String, Long> has = scan(to, when);
        for (var e : owed.get(to).entrySet()) {
            if (has.getOrDefault(e.getKey(), -1L) < e.getValue()) {
                violation.accept(when + ": node" + to + " took over without " + e.getKey() + " version " + e.getValue()
                        + ", which had been replicated to it");
            }
        }
        if (from != 0) {
            for (var e : owed.get(from).entrySet()) {
                if (has.getOrDefault(e.getKey(), -1L) < e.getValue()) {
                    lostInWindow++;
                }
            }
        }
        owed.get(to).clear();
        // the writer's files only: a fault's own large file (restart-mid-sync, disk-full) goes when it ends
        has.forEach((k, v) -> {
            if (writers(k)) {
                owed.get(to).put(k, v);
            }
        });
        // the writer goes on from the highest version either node holds
        for (var e : has.entrySet()) {
            written.merge(e.getKey(), e.getValue(), Math::max);
        }
        if (from != 0) {
            owed.get(from).clear();
        }
    }

    /** A file the writer keeps changing ({@code fNN.dat}), as opposed to a fault's own. */
    static boolean writers(String name) {
        return name.length() == 7 && name.startsWith("f") && name.endsWith(".dat");
    }

    /** After the heal: both folders the same, versions and bytes. Returns the difference, or empty. */
    synchronized List<String> differences() {
        Map<String, Long> a = scan(1, "after the heal");
        Map<String, Long> b = scan(2, "after the heal");
        List<String> out = new ArrayList<>();
        if (!a.equals(b)) {
            for (String k : new java.util.TreeSet<>(a.keySet())) {
                if (!a.get(k).equals(b.get(k))) {
                    out.add(k + ": node1 v" + a.get(k) + ", node2 " + (b.containsKey(k) ? "v" + b.get(k) : "none"));
                }
            }
            for (String k : b.keySet()) {
                if (!a.containsKey(k)) {
                    out.add(k + ": node1 none, node2 v" + b.get(k));
                }
            }
        }
        return out;
    }

    synchronized long writes() {
        return writes;
    }

    synchronized long lostInWindow() {
        return lostInWindow;
    }
}
