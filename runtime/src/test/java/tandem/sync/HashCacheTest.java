package tandem.sync;

import tandem.testing.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashCacheTest {
    private static final String H1 = "0123456789abcdef0123456789abcdef";
    private static final String H2 = "fedcba9876543210fedcba9876543210";

    @TempDir
    Path dir;

    @Test
    void aMissingFileIsAnEmptyCache() {
        HashCache c = HashCache.open(dir.resolve("none"));

        assertThat(c.size()).isZero();
        assertThat(c.lookup("a", 1, 2, null)).isEmpty();
    }

    @Test
    void entriesSurviveASaveAndHitOnlyWithTheSameSizeMtimeAndFileKey() throws Exception {
        Path file = dir.resolve("state/caches/folder.cache");
        HashCache c = HashCache.open(file);
        c.put("a/b.txt", 10, 1000, "(dev=1,ino=2)", H1);
        c.put("Grüße/日本語 file.txt", 0, 5, null, H2);
        c.put("odd\tname\\with\nbreaks", 3, 4, "k\tey", H1);
        c.save();

        HashCache back = HashCache.open(file);

        assertThat(back.size()).isEqualTo(3);
        assertThat(back.lookup("a/b.txt", 10, 1000, "(dev=1,ino=2)")).contains(H1);
        assertThat(back.lookup("a/b.txt", 11, 1000, "(dev=1,ino=2)")).isEmpty();
        assertThat(back.lookup("a/b.txt", 10, 1001, "(dev=1,ino=2)")).isEmpty();
        assertThat(back.lookup("a/b.txt", 10, 1000, "(dev=1,ino=3)")).isEmpty();
        assertThat(back.lookup("a/b.txt", 10, 1000, null)).isEmpty();
        assertThat(back.lookup("Grüße/日本語 file.txt", 0, 5, null)).contains(H2);
        assertThat(back.lookup("odd\tname\\with\nbreaks", 3, 4, "k\tey")).contains(H1);
        assertThat(Files.readAllLines(file).get(0)).isEqualTo(HashCache.HEADER);
        assertThat(Files.readAllLines(file)).hasSize(4);
        try (var files = Files.list(file.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("folder.cache");
        }
    }

    @Test
    void blockHashesHitOnlyWithTheSameSizeMtimeAndFileKeyAndAreNotSaved() throws Exception {
        Path file = dir.resolve("blocks.cache");
        HashCache c = HashCache.open(file);
        List<String> blocks = List.of(H1, H2, H1);
        c.putBlocks("big.bin", 300_000, 1000, "(dev=1,ino=2)", blocks);
        c.putBlocks("one-block.bin", 10, 1000, null, List.of(H1));

        assertThat(c.lookupBlocks("big.bin", 300_000, 1000, "(dev=1,ino=2)")).contains(blocks);
        assertThat(c.lookupBlocks("big.bin", 300_001, 1000, "(dev=1,ino=2)")).isEmpty();
        assertThat(c.lookupBlocks("big.bin", 300_000, 1001, "(dev=1,ino=2)")).isEmpty();
        assertThat(c.lookupBlocks("big.bin", 300_000, 1000, "(dev=1,ino=3)")).isEmpty();
        assertThat(c.lookupBlocks("one-block.bin", 10, 1000, null)).as("never sent as a delta, not kept").isEmpty();

        c.put("big.bin", 300_000, 1000, "(dev=1,ino=2)", H1);
        c.save();
        assertThat(HashCache.open(file).lookupBlocks("big.bin", 300_000, 1000, "(dev=1,ino=2)")).as("memory only").isEmpty();

        c.retainOnly(Set.of("other"));
        assertThat(c.lookupBlocks("big.bin", 300_000, 1000, "(dev=1,ino=2)")).isEmpty();
        c.putBlocks("big.bin", 300_000, 1000, "(dev=1,ino=2)", blocks);
        c.remove("big.bin");
        assertThat(c.lookupBlocks("big.bin", 300_000, 1000, "(dev=1,ino=2)")).isEmpty();
    }

    @Test
    void blockHashesBeyondTheBudgetStartOver() {
        HashCache c = HashCache.inMemory();
        List<String> half = java.util.Collections.nCopies((int) (HashCache.MAX_BLOCKS / 2), H1);
        c.putBlocks("a", 1, 1, null, half);
        c.putBlocks("a", 1, 1, null, half); // a replacement counts once
        c.putBlocks("b", 1, 1, null, half);
        assertThat(c.lookupBlocks("a", 1, 1, null)).isPresent();
        assertThat(c.lookupBlocks("b", 1, 1, null)).isPresent();

        c.putBlocks("c", 1, 1, null, List.of(H1, H2));

        assertThat(c.lookupBlocks("a", 1, 1, null)).isEmpty();
        assertThat(c.lookupBlocks("c", 1, 1, null)).contains(List.of(H1, H2));
    }

    @Test
    void removeAndRetainOnlyArePersisted() throws Exception {
        Path file = dir.resolve("c");
        HashCache c = HashCache.open(file);
        for (String p : List.of("a", "b", "c", "d")) {
            c.put(p, 1, 1, null, H1);
        }
        c.remove("a");
        c.retainOnly(Set.of("b", "c", "x"));
        c.save();

        HashCache back = HashCache.open(file);
        assertThat(back.size()).isEqualTo(2);
        assertThat(back.lookup("b", 1, 1, null)).contains(H1);
        assertThat(back.lookup("d", 1, 1, null)).isEmpty();
    }

    @Test
    void aCorruptFileIsLoggedAndTreatedAsEmptyThenRewritten() throws Exception {
        Path file = dir.resolve("corrupt.cache");
        for (String garbage : List.of("garbage\u0000\u0001", HashCache.HEADER + "\n12\tnot-a-number\t-\t" + H1 + "\ta\n",
                HashCache.HEADER + "\n12\t13\t-\t" + H1 + "\tcut-short")) {
            Files.writeString(file, garbage, StandardCharsets.ISO_8859_1);
            try (LogCapture log = new LogCapture(HashCache.class)) {
                HashCache c = HashCache.open(file);

                assertThat(c.size()).isZero();
                assertThat(log.messages(Level.WARN)).singleElement().asString().contains(file.toString());
            }
        }
        Files.write(file, new byte[] {(byte) 0xff, (byte) 0xfe, 0x41});
        HashCache c = HashCache.open(file);
        assertThat(c.size()).isZero();

        c.save();
        assertThat(Files.readAllLines(file)).containsExactly(HashCache.HEADER);
    }

    @Test
    void saveWritesNothingWhenNothingChanged() throws Exception {
        Path file = dir.resolve("c");
        HashCache c = HashCache.open(file);
        c.put("a", 1, 1, null, H1);
        c.save();
        FileTime past = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(file, past);

        c.put("a", 1, 1, null, H1);
        c.save();
        HashCache.open(file).save();
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(past);

        c.put("a", 1, 2, null, H1);
        c.save();
        assertThat(Files.getLastModifiedTime(file)).isNotEqualTo(past);
    }

    @Test
    void twentyThousandEntriesSaveAndLoadQuickly() throws Exception {
        Path file = dir.resolve("big.cache");
        HashCache c = HashCache.open(file);
        for (int i = 0; i < 20_000; i++) {
            c.put("dir" + (i % 100) + "/sub" + (i % 7) + "/file-" + i + ".dat", i, 1_700_000_000_000L + i,
                    "(dev=803,ino=" + (100_000 + i) + ")", i % 2 == 0 ? H1 : H2);
        }

        long t0 = System.nanoTime();
        c.save();
        long saveMs = (System.nanoTime() - t0) / 1_000_000;
        t0 = System.nanoTime();
        HashCache back = HashCache.open(file);
        long loadMs = (System.nanoTime() - t0) / 1_000_000;

        assertThat(back.size()).isEqualTo(20_000);
        assertThat(back.lookup("dir45/sub4/file-12345.dat", 12345, 1_700_000_000_000L + 12345, "(dev=803,ino=112345)"))
                .contains(H2);
        // generous bounds for a cold JIT on a busy CI machine; typically a few tens of ms each
        assertThat(saveMs).isLessThan(1000);
        assertThat(loadMs).isLessThan(1000);
    }

    @Test
    void concurrentPutsAreAllKept() throws Exception {
        HashCache c = HashCache.open(dir.resolve("c"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int base = t * 1000;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 1000; i++) {
                        c.put("f" + (base + i), i, i, null, H1);
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        c.save();

        HashCache back = HashCache.open(dir.resolve("c"));
        Set<Integer> missing = new HashSet<>();
        for (int i = 0; i < 4000; i++) {
            if (back.lookup("f" + i, i % 1000, i % 1000, null).isEmpty()) {
                missing.add(i);
            }
        }
        assertThat(missing).isEmpty();
    }
}
