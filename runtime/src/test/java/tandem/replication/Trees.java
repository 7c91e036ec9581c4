package tandem.replication;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/** Test trees: generated content and a content listing to compare two trees by. */
public final class Trees {
    private Trees() {
    }

    /** Nested folders, empty files, unicode names, a 3 MiB file; deterministic for a seed. */
    public static void generate(Path root, long seed) throws IOException {
        Random r = new Random(seed);
        write(root.resolve("a/b/c/deep.txt"), bytes(r, 1000));
        write(root.resolve("a/empty.dat"), new byte[0]);
        Files.createDirectories(root.resolve("empty-dir/inner"));
        write(root.resolve("Grüße/日本語 file.txt"), "unicode names\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (int i = 0; i < 40; i++) {
            write(root.resolve("many/f" + i + ".bin"), bytes(r, r.nextInt(20_000)));
        }
        write(root.resolve("big/large.bin"), bytes(r, 3 * 1024 * 1024 + 123));
    }

    public static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    public static void write(Path file, byte[] data) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, data);
    }

    /** Relative path -> "dir" or the content's SHA-256 (and, with {@code mtimes}, the modification time). */
    /**
     * {@link #listing} without Tandem's temporary files (an interrupted transfer's, old versions kept
     * until a cycle ends), and an unreadable tree as one entry instead of an exception: for polling.
     */
    public static Map<String, String> settledListing(Path root, boolean mtimes) {
        try {
            return listing(root, mtimes, p -> !p.getFileName().toString().startsWith(".tandem-sync-"));
        } catch (IOException | RuntimeException e) {
            return Map.of("unreadable", e.toString());
        }
    }

    public static Map<String, String> listing(Path root, boolean mtimes) throws IOException {
        return listing(root, mtimes, p -> true);
    }

    private static Map<String, String> listing(Path root, boolean mtimes, java.util.function.Predicate<Path> keep)
            throws IOException {
        Map<String, String> m = new TreeMap<>();
        // a file that is not kept may vanish while the tree is walked (an old version freed after a cycle)
        Files.walkFileTree(root, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult preVisitDirectory(Path d, java.nio.file.attribute.BasicFileAttributes a) {
                if (!d.equals(root)) {
                    m.put(rel(d), "dir");
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFile(Path p, java.nio.file.attribute.BasicFileAttributes a)
                    throws IOException {
                if (!keep.test(p)) {
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
                if (a.isDirectory()) {
                    m.put(rel(p), "dir");
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
                try {
                    String v = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
                    if (mtimes) {
                        v += " @" + Files.getLastModifiedTime(p).toMillis();
                    }
                    m.put(rel(p), v);
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
                if (keep.test(p)) {
                    throw e;
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            private String rel(Path p) {
                return root.relativize(p).toString().replace('\\', '/');
            }
        });
        return m;
    }
}
