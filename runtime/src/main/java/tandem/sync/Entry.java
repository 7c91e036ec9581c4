package tandem.sync;

import java.util.Objects;

/**
 * One line of a folder's manifest: what {@link FolderScanner} reports for a file or directory and what the
 * nodes compare to decide what to send. Serialised as JSON on the wire (a plain record, so Jackson
 * needs no annotations).
 *
 * @param path        relative to the folder's root, {@code '/'}-separated, as checked by
 *                    {@link SafePaths#check(String)}
 * @param kind        file or directory
 * @param size        bytes; 0 for a directory
 * @param mtimeMillis last modification time, milliseconds since the epoch
 * @param hash        the file's content hash ({@link Hashing}), or {@link #UNKNOWN} when the active node
 *                    left it for later ({@link FolderScanner#scan(SyncFolder, long)}); null for a directory
 */
public record Entry(String path, Kind kind, long size, long mtimeMillis, String hash) {
    /** The hash of a file whose content was not read yet. */
    public static final String UNKNOWN = "";

    public Entry {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(kind, "kind");
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size + " for " + path);
        }
        if (kind == Kind.FILE && hash == null) {
            throw new IllegalArgumentException("file entry " + path + " has no hash");
        }
        if (kind == Kind.DIR && (hash != null || size != 0)) {
            throw new IllegalArgumentException("directory entry " + path + " has a size or a hash");
        }
    }

    /** A file entry. */
    public static Entry file(String path, long size, long mtimeMillis, String hash) {
        return new Entry(path, Kind.FILE, size, mtimeMillis, hash);
    }

    /** Whether the hash of this file is known (not {@link #UNKNOWN}). */
    public boolean hashKnown() {
        return hash != null && !hash.isEmpty();
    }

    /** A directory entry. */
    public static Entry dir(String path, long mtimeMillis) {
        return new Entry(path, Kind.DIR, 0, mtimeMillis, null);
    }
}
