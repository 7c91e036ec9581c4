package tandem.sync;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import tandem.config.Folder;

/**
 * One replicated folder as seen on one node. The two nodes name a folder by the same {@code id} (its
 * path as configured on the primary, which is what goes on the wire) while {@code root} is where it
 * lives on this node, so the two may differ.
 *
 * @param id             the folder's stable name: its path string as configured on the primary
 * @param root           where the folder lives on this node
 * @param include        glob patterns of what to replicate ({@link PathFilter}); {@code ["**"]} for all
 * @param exclude        glob patterns of what to skip even when included
 * @param strict         delete on this node what the primary no longer has (inside this folder only)
 * @param keepTimestamps copies get the source file's modification time
 */
public record SyncFolder(String id, Path root, List<String> include, List<String> exclude, boolean strict,
        boolean keepTimestamps) {
    public SyncFolder {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(root, "root");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("empty folder id for " + root);
        }
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
        PathFilter.of(include, exclude); // a bad pattern fails here, naming it
    }

    /** The folder as configured: {@code root} is the configured path, {@code id} its string. */
    public static SyncFolder of(Folder f) {
        Objects.requireNonNull(f, "folder");
        return new SyncFolder(f.path().toString(), f.path(), f.include(), f.exclude(), f.strict(), f.keepTimestamps());
    }

    /** The same folder at another place on this node (the secondary keeps the primary's id). */
    public SyncFolder at(Path otherRoot) {
        return new SyncFolder(id, otherRoot, include, exclude, strict, keepTimestamps);
    }

    /** The compiled include/exclude filter. */
    public PathFilter filter() {
        return PathFilter.of(include, exclude);
    }
}
