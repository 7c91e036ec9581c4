package tandem.sync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * What the receiver has of a large file that changed: its size and block hashes ({@link Hashing}). The
 * sender compares them with its own blocks ({@link Diff#changedBlocks}) and sends only the blocks that
 * differ; the receiver copies the others from its current file ({@link IncomingFile#copyBlock}).
 *
 * @param size   bytes
 * @param blocks block hashes, in order: {@code ceil(size / Hashing.BLOCK)} of them
 */
public record Signature(long size, List<String> blocks) {
    public Signature {
        blocks = Hashing.BlockList.copyOf(blocks);
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
        long expected = (size + Hashing.BLOCK - 1) / Hashing.BLOCK;
        if (blocks.size() != expected) {
            throw new IllegalArgumentException("a signature of " + size + " bytes has " + expected + " blocks, not "
                    + blocks.size());
        }
    }

    /**
     * The signature of {@code file} ({@code rel} in the folder {@code cache} belongs to): the block
     * hashes remembered for it while its size, modification time and file key are unchanged, else read
     * (and remembered).
     */
    public static Signature of(Path file, HashCache cache, String rel) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        long mtime = a.lastModifiedTime().toMillis();
        var known = cache.lookupBlocks(rel, a.size(), mtime, a.fileKey());
        if (known.isPresent()) {
            return new Signature(a.size(), known.get());
        }
        Hashing.FileDigest d = Hashing.digest(file);
        BasicFileAttributes after = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (after.size() == d.size() && after.lastModifiedTime().toMillis() == mtime
                && java.util.Objects.equals(after.fileKey(), a.fileKey())) {
            cache.putBlocks(rel, d.size(), mtime, a.fileKey(), d.blocks());
        }
        return new Signature(d.size(), d.blocks());
    }

    /** Reads {@code file} (not following a symbolic link). */
    public static Signature of(Path file) throws IOException {
        Hashing.FileDigest d = Hashing.digest(file);
        return new Signature(d.size(), d.blocks());
    }
}
