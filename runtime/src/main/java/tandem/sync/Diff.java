package tandem.sync;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compares the primary's manifest with this node's and says what to do to make this node's folder
 * identical: the heart of a cycle. Pure: it reads no disk.
 *
 * <p>Content decides: two files with the same hash are the same, whatever their modification times
 * (unless the folder keeps timestamps, then a differing mtime is fixed with a touch). Directory
 * modification times are not compared (they change whenever a child does).
 */
public final class Diff {
    /** Files smaller than this (on either side) are sent whole; larger ones that differ as a delta. */
    public static final long DELTA_MIN = 1024 * 1024;

    private Diff() {
    }

    /**
     * What to do on this node, in the order to apply it: {@code delete}, then {@code mkdirs}, then the
     * files ({@code whole} and {@code delta}), then {@code touch}.
     *
     * @param mkdirs directories to create (the source's entries), parents first
     * @param whole  files to send whole (the source's entries), by path
     * @param delta  large files to send as changed blocks against this node's {@link Signature}, by path
     * @param touch  files whose content is identical but whose mtime must be set to the source's (only
     *               when the folder keeps timestamps), by path
     * @param delete paths to delete on this node: files first (by path), then directories, deepest
     *               first; in strict mode what the source lacks, and in any mode what is in the way of a
     *               source entry of the other kind (a file where a directory must be, or a directory and
     *               all it holds where a file must be)
     */
    public record Plan(List<Entry> mkdirs, List<Entry> whole, List<Entry> delta, List<Entry> touch, List<String> delete) {
        public Plan {
            mkdirs = List.copyOf(mkdirs);
            whole = List.copyOf(whole);
            delta = List.copyOf(delta);
            touch = List.copyOf(touch);
            delete = List.copyOf(delete);
        }

        /** Whether there is nothing to do. */
        public boolean nothingToDo() {
            return mkdirs.isEmpty() && whole.isEmpty() && delta.isEmpty() && touch.isEmpty() && delete.isEmpty();
        }
    }

    /**
     * The plan that turns {@code target} (this node's manifest of {@code f}) into {@code source} (the
     * primary's).
     *
     * @throws IllegalArgumentException when a manifest lists a path twice
     */
    public static Plan plan(SyncFolder f, List<Entry> source, List<Entry> target) {
        Objects.requireNonNull(f, "folder");
        Map<String, Entry> src = index(source, "source");
        Map<String, Entry> dst = index(target, "target");
        // the paths with something below them in the target, and the target sorted for what lies below
        // one of them: point lookups by hash, so 20,000 entries cost a few ms, not a tree walk each
        Set<String> dstParents = new HashSet<>();
        for (String p : dst.keySet()) {
            int slash = p.lastIndexOf('/');
            // each parent once: when it is known, so are its own parents
            while (slash > 0 && dstParents.add(p.substring(0, slash))) {
                slash = p.lastIndexOf('/', slash - 1);
            }
        }
        TreeMap<String, Entry> dstSorted = null;

        List<Entry> mkdirs = new ArrayList<>();
        List<Entry> whole = new ArrayList<>();
        List<Entry> delta = new ArrayList<>();
        List<Entry> touch = new ArrayList<>();
        Map<String, Entry> delete = new HashMap<>();

        for (Entry s : src.values()) {
            // a target file where the source has a directory above this entry is in the way; a path with
            // something below it in the target is a directory there, and so is everything above it
            for (int slash = s.path().lastIndexOf('/'); slash > 0; slash = s.path().lastIndexOf('/', slash - 1)) {
                String above = s.path().substring(0, slash);
                if (dstParents.contains(above)) {
                    break;
                }
                Entry t = dst.get(above);
                if (t != null && t.kind() == Kind.FILE) {
                    delete.put(t.path(), t);
                }
            }
            Entry t = dst.get(s.path());
            if (s.kind() == Kind.DIR) {
                if (t == null) {
                    mkdirs.add(s);
                } else if (t.kind() == Kind.FILE) {
                    delete.put(t.path(), t);
                    mkdirs.add(s);
                }
                continue;
            }
            // a source file: whatever the target has below this path is in the way
            if (dstParents.contains(s.path())) {
                if (dstSorted == null) {
                    dstSorted = new TreeMap<>(dst);
                }
                dstSorted.subMap(s.path() + "/", s.path() + "0").values().forEach(b -> delete.put(b.path(), b));
            }
            if (t == null) {
                whole.add(s);
            } else if (t.kind() == Kind.DIR) {
                delete.put(t.path(), t);
                whole.add(s);
            } else if (!s.hash().equals(t.hash())) {
                if (s.size() >= DELTA_MIN && t.size() >= DELTA_MIN) {
                    delta.add(s);
                } else {
                    whole.add(s);
                }
            } else if (f.keepTimestamps() && s.mtimeMillis() != t.mtimeMillis()) {
                touch.add(s);
            }
        }
        if (f.strict()) {
            for (Entry t : dst.values()) {
                if (!src.containsKey(t.path())) {
                    delete.put(t.path(), t);
                }
            }
        }

        Comparator<Entry> byPath = Comparator.comparing(Entry::path);
        mkdirs.sort(byPath);
        whole.sort(byPath);
        delta.sort(byPath);
        touch.sort(byPath);
        List<Entry> deletions = new ArrayList<>(delete.values());
        deletions.sort(Comparator.comparing((Entry e) -> e.kind() == Kind.DIR)
                .thenComparing(e -> e.kind() == Kind.DIR ? -depth(e.path()) : 0)
                .thenComparing(Entry::path));
        return new Plan(mkdirs, whole, delta, touch, deletions.stream().map(Entry::path).toList());
    }

    /**
     * Indexes of the source's blocks that the receiver must be sent: those whose hash differs from the
     * target's block at the same index, or that lie beyond the target's end.
     */
    public static List<Integer> changedBlocks(Signature target, List<String> sourceBlocks) {
        Objects.requireNonNull(target, "target");
        List<String> have = target.blocks();
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < sourceBlocks.size(); i++) {
            if (i >= have.size() || !have.get(i).equals(sourceBlocks.get(i))) {
                out.add(i);
            }
        }
        return out;
    }

    private static Map<String, Entry> index(List<Entry> entries, String which) {
        Map<String, Entry> m = new LinkedHashMap<>(entries.size() * 2);
        for (Entry e : entries) {
            if (m.put(e.path(), e) != null) {
                throw new IllegalArgumentException("the " + which + " manifest lists " + e.path() + " twice");
            }
        }
        return m;
    }

    private static int depth(String path) {
        int d = 0;
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '/') {
                d++;
            }
        }
        return d;
    }
}
