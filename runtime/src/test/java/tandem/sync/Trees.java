package tandem.sync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;

/** Test helper: small folder trees on disk. */
final class Trees {
    /** A modification time well in the past (2023-11-14), so the scanner caches what it hashes. */
    static final long OLD = 1_700_000_000_000L;

    private Trees() {
    }

    static Path write(Path root, String rel, String content) throws IOException {
        return write(root, rel, content.getBytes(StandardCharsets.UTF_8));
    }

    static Path write(Path root, String rel, byte[] content) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        return Files.write(p, content);
    }

    /** Sets every regular file's mtime under {@code root} to {@link #OLD}. */
    static void age(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).forEach(p -> {
                try {
                    Files.setLastModifiedTime(p, FileTime.fromMillis(OLD));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** Every path under {@code root}, relative, '/'-separated, sorted. */
    static List<String> list(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
    }

    static SyncFolder folder(Path root) {
        return new SyncFolder(root.toString(), root, List.of("**"), List.of(), false, false);
    }
}
