package tandem.sync;

import tandem.testing.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static tandem.sync.Trees.write;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderScannerTest {

    @TempDir
    Path dir;

    private static final String UNICODE = "Grüße/日本語 file.txt";
    private final boolean unicode = Unicode.fileNamesOk(UNICODE);
    private Path root;
    private SyncFolder folder;

    @BeforeEach
    void tree() throws IOException {
        root = Files.createDirectories(dir.resolve("data"));
        write(root, "top.txt", "top");
        write(root, "a/b/c.txt", "hello c");
        write(root, "a/empty.bin", new byte[0]);
        if (unicode) {
            write(root, UNICODE, "unicode");
        }
        write(root, "x/y/z/deep.txt", HashingTest.random(Hashing.BLOCK * 2 + 3, 1));
        Files.createDirectories(root.resolve("emptydir"));
        write(root, "cache/junk.bin", "junk");
        Files.createSymbolicLink(root.resolve("cache/link-inside-excluded"), dir);
        write(root, "a/" + FolderWriter.TEMP_PREFIX + "1234.tmp", "half");
        Files.createSymbolicLink(root.resolve("etc-link"), Path.of("/etc"));
        Files.createSymbolicLink(root.resolve("a/file-link"), root.resolve("top.txt"));
        Trees.age(root);
        folder = new SyncFolder(root.toString(), root, List.of("**"), List.of("cache/**"), false, false);
    }

    @Test
    void listsReplicatedFilesAndDirectoriesSortedWithTheirHashes() throws IOException {
        List<Entry> entries;
        try (FolderScanner s = new FolderScanner(HashCache.inMemory())) {
            entries = s.scan(folder);
        }

        assertThat(entries).extracting(Entry::path).containsExactlyElementsOf(expect("Grüße", UNICODE, "a", "a/b",
                "a/b/c.txt", "a/empty.bin", "emptydir", "top.txt", "x", "x/y", "x/y/z", "x/y/z/deep.txt"));
        for (Entry e : entries) {
            Path p = root.resolve(e.path());
            if (e.kind() == Kind.FILE) {
                assertThat(e.size()).isEqualTo(Files.size(p));
                assertThat(e.mtimeMillis()).isEqualTo(Trees.OLD);
                assertThat(e.hash()).isEqualTo(Hashing.digest(p).hash());
            } else {
                assertThat(Files.isDirectory(p)).isTrue();
                assertThat(e.hash()).isNull();
                assertThat(e.size()).isZero();
            }
        }
    }

    @Test
    void skipsSymlinksWithOneInfoLineAndDoesNotDescendIntoAnExcludedDirectory() throws IOException {
        try (LogCapture log = new LogCapture(FolderScanner.class); FolderScanner s = new FolderScanner(HashCache.inMemory())) {
            s.scan(folder);

            // the link inside cache/ would make it 3 if the scan had looked inside the excluded directory
            assertThat(log.messages(Level.INFO)).containsExactly("2 symbolic links skipped in " + root);
        }
    }

    @Test
    void anUnchangedTreeIsNotReadAgainAndAModifiedFileIs() throws IOException {
        HashCache cache = HashCache.open(dir.resolve("cache-file"));
        try (FolderScanner s = new FolderScanner(cache)) {
            List<Entry> first = s.scan(folder);
            long total = first.stream().mapToLong(Entry::size).sum();
            assertThat(s.hashedBytes()).isEqualTo(total);

            List<Entry> second = s.scan(folder);
            assertThat(second).isEqualTo(first);
            assertThat(s.hashedBytes()).isEqualTo(total);

            write(root, "a/b/c.txt", "HELLO C"); // same size
            Files.setLastModifiedTime(root.resolve("a/b/c.txt"), FileTime.fromMillis(Trees.OLD + 1000));
            List<Entry> third = s.scan(folder);
            assertThat(s.hashedBytes()).isEqualTo(total + 7);
            Entry c = third.stream().filter(e -> e.path().equals("a/b/c.txt")).findFirst().orElseThrow();
            assertThat(c.hash()).isEqualTo(Hashing.digest(root.resolve("a/b/c.txt")).hash())
                    .isNotEqualTo(first.stream().filter(e -> e.path().equals("a/b/c.txt")).findFirst().orElseThrow().hash());
        }
        cache.save();

        try (FolderScanner again = new FolderScanner(HashCache.open(dir.resolve("cache-file")))) {
            again.scan(folder);
            assertThat(again.hashedBytes()).as("the saved cache spares the next process the reading").isZero();
        }
    }

    @Test
    void smallFilesWithoutACachedHashCanBeListedUnhashedAndRememberedOnceRead() throws IOException {
        HashCache cache = HashCache.inMemory();
        try (FolderScanner s = new FolderScanner(cache)) {
            List<Entry> entries = s.scan(folder, 100);

            Entry small = entries.stream().filter(e -> e.path().equals("a/b/c.txt")).findFirst().orElseThrow();
            Entry large = entries.stream().filter(e -> e.path().equals("x/y/z/deep.txt")).findFirst().orElseThrow();
            assertThat(small.hashKnown()).isFalse();
            assertThat(small.hash()).isEqualTo(Entry.UNKNOWN);
            assertThat(large.hash()).as("above the limit: hashed").isEqualTo(Hashing.digest(root.resolve("x/y/z/deep.txt")).hash());
            assertThat(s.hashedBytes()).isEqualTo(large.size());
            FolderScanner.Deferred d = s.deferred().get("a/b/c.txt");
            assertThat(d.size()).isEqualTo(7);
            assertThat(s.deferred()).doesNotContainKey("x/y/z/deep.txt");

            String hash = Hashing.digest(root.resolve("a/b/c.txt")).hash();
            FolderScanner.remember(cache, "a/b/c.txt", d, 8, hash); // read at another size: not what was scanned
            assertThat(s.scan(folder, 100).stream().filter(e -> e.path().equals("a/b/c.txt")).findFirst().orElseThrow()
                    .hashKnown()).isFalse();
            FolderScanner.remember(cache, "a/b/c.txt", s.deferred().get("a/b/c.txt"), 7, hash);

            List<Entry> again = s.scan(folder, 100);
            assertThat(again.stream().filter(e -> e.path().equals("a/b/c.txt")).findFirst().orElseThrow().hash())
                    .as("remembered: listed with its hash, nothing read").isEqualTo(hash);
            assertThat(s.scan(folder)).as("a full scan hashes the rest").allMatch(e -> e.kind() == Kind.DIR || e.hashKnown());
        }
    }

    @Test
    void aFileModifiedWithinTheRacyWindowOfItsReadingIsHashedAgainNextTime() throws IOException {
        // stamped ahead of the clock: within either window however long the test takes
        Path fresh = write(root, "fresh.txt", "just written");
        Files.setLastModifiedTime(fresh, FileTime.fromMillis(System.currentTimeMillis() + 60_000 + 123));
        try (FolderScanner s = new FolderScanner(HashCache.inMemory())) {
            s.scan(folder);
            long afterFirst = s.hashedBytes();

            s.scan(folder);

            assertThat(s.hashedBytes() - afterFirst).isEqualTo("just written".length());
        }
    }

    @Test
    void onALocalFileSystemAFileModifiedASecondBeforeItWasHashedIsCachedWhenItsTimeIsFine() throws IOException {
        assumeTrue(FolderScanner.localFileSystem(root), "the temporary folder is on a local file system: " + root);
        Path recent = write(root, "recent.txt", "a second old");
        // a sub-second part (as the kernel stamps writes on such a file system): the 100 ms window applies
        Files.setLastModifiedTime(recent, FileTime.from(Instant.ofEpochMilli(System.currentTimeMillis() - 1000)
                .plusNanos(123_456)));
        try (FolderScanner s = new FolderScanner(HashCache.inMemory())) {
            s.scan(folder);
            long afterFirst = s.hashedBytes();

            s.scan(folder);

            assertThat(s.hashedBytes()).as("nothing read again").isEqualTo(afterFirst);
        }
    }

    @Test
    void theRacyWindowIsShortOnlyForFineTimesOnALocalFileSystem() {
        FileTime fine = FileTime.from(Instant.ofEpochSecond(1_700_000_000L, 4_000_000));
        FileTime wholeSecond = FileTime.from(Instant.ofEpochSecond(1_700_000_000L));

        assertThat(FolderScanner.racyMillis(true, fine)).isEqualTo(FolderScanner.FINE_RACY_MILLIS).isEqualTo(100);
        assertThat(FolderScanner.racyMillis(true, wholeSecond)).as("seconds only: a coarse file system (or a stamped file)")
                .isEqualTo(FolderScanner.RACY_MILLIS).isEqualTo(2000);
        assertThat(FolderScanner.racyMillis(false, fine)).as("network or unknown file system").isEqualTo(FolderScanner.RACY_MILLIS);
        assertThat(FolderScanner.localFileSystem(dir.resolve("no-such-folder"))).as("unknown: coarse").isFalse();
    }

    @Test
    void aDeferredFileIsRememberedOnlyWhenModifiedLongerThanItsWindowBeforeTheScan() {
        HashCache cache = HashCache.inMemory();
        long scanned = 1_700_000_000_000L;
        String hash = Hashing.blockHash(new byte[3], 0, 3);

        FolderScanner.remember(cache, "fine.txt", new FolderScanner.Deferred(3, scanned - 101, null, scanned, 100), 3, hash);
        FolderScanner.remember(cache, "racy.txt", new FolderScanner.Deferred(3, scanned - 100, null, scanned, 100), 3, hash);
        FolderScanner.remember(cache, "coarse.txt", new FolderScanner.Deferred(3, scanned - 1500, null, scanned, 2000), 3, hash);

        assertThat(cache.lookup("fine.txt", 3, scanned - 101, null)).contains(hash);
        assertThat(cache.lookup("racy.txt", 3, scanned - 100, null)).isEmpty();
        assertThat(cache.lookup("coarse.txt", 3, scanned - 1500, null)).isEmpty();
    }

    @Test
    void vanishedFilesDropOutOfTheListAndTheCache() throws IOException {
        HashCache cache = HashCache.inMemory();
        try (FolderScanner s = new FolderScanner(cache)) {
            s.scan(folder);
            int files = unicode ? 5 : 4;
            assertThat(cache.size()).isEqualTo(files);

            Files.delete(root.resolve("top.txt"));
            Files.delete(root.resolve("x/y/z/deep.txt"));
            List<Entry> entries = s.scan(folder);

            assertThat(entries).extracting(Entry::path).doesNotContain("top.txt", "x/y/z/deep.txt")
                    .contains("x/y/z"); // still a directory of its own
            assertThat(cache.size()).isEqualTo(files - 2);
        }
    }

    @Test
    void statListsOnlyTheGivenPathsThatExistAndAreReplicated() throws IOException {
        try (FolderScanner s = new FolderScanner(HashCache.inMemory())) {
            List<Entry> all = s.scan(folder);
            long before = s.hashedBytes();

            List<Entry> some = s.stat(folder, List.of("x/y/z/deep.txt", "missing.txt", "a", "etc-link", "etc-link/passwd",
                    "cache/junk.bin", "a/b/c.txt", "../escape", "a/" + FolderWriter.TEMP_PREFIX + "1234.tmp", "a/b/c.txt"));

            assertThat(some).extracting(Entry::path).containsExactly("a", "a/b/c.txt", "x/y/z/deep.txt");
            assertThat(all).containsAll(some);
            assertThat(s.hashedBytes()).as("cached by the full scan").isEqualTo(before);
        }
    }

    @Test
    void aNameOnlyIncludeListsTheDirectoriesOnTheWayButNotEmptyOnes() throws IOException {
        SyncFolder txt = new SyncFolder("t", root, List.of("*.txt"), List.of(), false, false);
        try (FolderScanner s = new FolderScanner(HashCache.inMemory())) {
            assertThat(s.scan(txt)).extracting(Entry::path).containsExactlyElementsOf(expect("Grüße", UNICODE, "a",
                    "a/b", "a/b/c.txt", "top.txt", "x", "x/y", "x/y/z", "x/y/z/deep.txt"));
        }
    }

    @Test
    void namesThePeerWouldRefuseAreSkippedWithAWarning() throws IOException {
        write(root, "back\\slash.txt", "b");
        write(root, "line\nbreak.txt", "n");
        try (LogCapture log = new LogCapture(FolderScanner.class); FolderScanner s = new FolderScanner(HashCache.inMemory())) {
            List<Entry> entries = s.scan(folder);

            assertThat(entries).extracting(Entry::path).noneMatch(p -> p.contains("\\") || p.contains("\n"));
            assertThat(log.messages(Level.WARN)).singleElement().asString().startsWith("2 names in " + root);
        }
    }

    @Test
    void aMissingOrWrongRootFailsNamingIt() throws IOException {
        Path file = write(dir, "plain-file", "x");
        Path link = Files.createSymbolicLink(dir.resolve("link-root"), root);
        try (FolderScanner s = new FolderScanner(HashCache.inMemory())) {
            assertThatThrownBy(() -> s.scan(Trees.folder(dir.resolve("nope")))).isInstanceOf(IOException.class)
                    .hasMessage("folder " + dir.resolve("nope") + " does not exist");
            assertThatThrownBy(() -> s.scan(Trees.folder(file))).hasMessage("folder " + file + " is not a directory");
            assertThatThrownBy(() -> s.scan(Trees.folder(link))).hasMessageContaining("is a symbolic link");
            assertThatThrownBy(() -> s.stat(Trees.folder(dir.resolve("nope")), List.of("a")))
                    .hasMessageContaining("does not exist");
        }
    }

    @Test
    void manyFilesHashedInParallelMatchTheirDigests() throws IOException {
        Path many = Files.createDirectories(dir.resolve("many"));
        for (int i = 0; i < 400; i++) {
            write(many, "d" + (i % 9) + "/e" + (i % 4) + "/f" + i, HashingTest.random(i * 97, i));
        }
        Trees.age(many);
        try (FolderScanner s = new FolderScanner(HashCache.inMemory())) {
            List<Entry> entries = s.scan(Trees.folder(many));

            List<Entry> files = new ArrayList<>(entries.stream().filter(e -> e.kind() == Kind.FILE).toList());
            assertThat(files).hasSize(400);
            for (Entry e : files) {
                assertThat(e.hash()).isEqualTo(Hashing.digest(many.resolve(e.path())).hash());
            }
            assertThat(entries).extracting(Entry::path).isSorted();
        }
    }

    /** The paths, without the non-ASCII ones when this JVM cannot have such file names. */
    private List<String> expect(String... paths) {
        return java.util.Arrays.stream(paths).filter(p -> unicode || p.chars().allMatch(c -> c < 128)).toList();
    }
}
