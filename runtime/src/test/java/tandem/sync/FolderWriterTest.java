package tandem.sync;

import tandem.testing.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static tandem.sync.Trees.write;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FolderWriterTest {
    private static final int B = Hashing.BLOCK;

    @TempDir
    Path dir;

    private Path root;

    @BeforeEach
    void root() throws IOException {
        root = Files.createDirectories(dir.resolve("standby"));
    }

    private SyncFolder folder(boolean keepTimestamps) {
        return new SyncFolder("/data", root, List.of("**"), List.of(), false, keepTimestamps);
    }

    private static String hash(byte[] data) {
        return Hashing.hash(data, 0, data.length);
    }

    private static Entry receive(FolderWriter w, String rel, byte[] data, long mtime) throws IOException {
        try (IncomingFile in = w.begin(rel, data.length, mtime, hash(data))) {
            for (int off = 0; off < data.length; off += 10_000) {
                in.write(data, off, Math.min(10_000, data.length - off));
            }
            return in.commit();
        }
    }

    /** A file's two versions: {@code old} on the standby, {@code now} on the source, with its digest. */
    private record Delta(byte[] old, byte[] now, Hashing.FileDigest source, Signature mine) {
    }

    /** {@code size} random bytes on the standby as {@code name}; the source's copy has {@code len} others at {@code at}. */
    private Delta delta(String name, int size, long seed, int at, int len) throws IOException {
        byte[] old = HashingTest.random(size, seed);
        byte[] now = old.clone();
        System.arraycopy(HashingTest.random(len, seed + 1), 0, now, at, len);
        write(root, name, old);
        Path src = write(dir, "source-" + name, now);
        return new Delta(old, now, Hashing.digest(src), Signature.of(root.resolve(name)));
    }

    private List<String> temps() throws IOException {
        return Trees.list(root).stream().filter(p -> p.contains(FolderWriter.TEMP_PREFIX)).toList();
    }

    @Test
    void aWholeFileArrivesWithItsMtimeAndInNewDirectories() throws IOException {
        byte[] data = HashingTest.random(300_000, 1);
        HashCache cache = HashCache.inMemory();
        FolderWriter w = new FolderWriter(folder(true), cache);

        Entry e = receive(w, "new/deep/file.bin", data, Trees.OLD);

        Path p = root.resolve("new/deep/file.bin");
        assertThat(p).hasBinaryContent(data);
        assertThat(Files.getLastModifiedTime(p).toMillis()).isEqualTo(Trees.OLD);
        assertThat(e).isEqualTo(Entry.file("new/deep/file.bin", data.length, Trees.OLD, hash(data)));
        assertThat(temps()).isEmpty();
        try (FolderScanner s = new FolderScanner(cache)) {
            assertThat(s.scan(folder(true))).contains(e);
            assertThat(s.hashedBytes()).as("the writer told the cache what it wrote").isZero();
        }
    }

    @Test
    void withoutKeepTimestampsTheFileGetsTheTimeOfWriting() throws IOException {
        long before = System.currentTimeMillis() - 5000;

        Entry e = receive(new FolderWriter(folder(false)), "f.txt", "abc".getBytes(StandardCharsets.UTF_8), Trees.OLD);

        assertThat(e.mtimeMillis()).isGreaterThan(before);
        assertThat(Files.getLastModifiedTime(root.resolve("f.txt")).toMillis()).isEqualTo(e.mtimeMillis());
    }

    @Test
    void aReceivedFileReplacesTheOldOne() throws IOException {
        write(root, "f.txt", "old content");

        receive(new FolderWriter(folder(false)), "f.txt", "new".getBytes(StandardCharsets.UTF_8), 1);

        assertThat(root.resolve("f.txt")).hasContent("new");
    }

    @Test
    void aDeltaRebuildsALargeFileFromItsUnchangedBlocksAndTheOneThatChanged() throws IOException {
        int at = 5 * 1024 * 1024 + 1000;
        Delta d = delta("big.img", 10 * 1024 * 1024, 7, at, 4096);
        byte[] old = d.old();
        byte[] now = d.now();
        Hashing.FileDigest source = d.source();
        Signature mine = d.mine();
        List<Integer> changed = Diff.changedBlocks(mine, source.blocks());
        assertThat(changed).containsExactly(at / B);

        FolderWriter w = new FolderWriter(folder(false));
        try (IncomingFile in = w.begin("big.img", now.length, 1, source.hash())) {
            for (int i = 0; i < source.blocks().size(); i++) {
                if (changed.contains(i)) {
                    in.write(now, i * B, Math.min(B, now.length - i * B));
                } else {
                    in.copyBlock(i);
                }
            }
            assertThat(root.resolve("big.img")).as("untouched until the commit").hasBinaryContent(old);
            in.commit();
        }

        assertThat(root.resolve("big.img")).hasBinaryContent(now);
        assertThat(temps()).as("the old version, until released").hasSize(1);
        w.releaseRetired();
        assertThat(temps()).isEmpty();
    }

    /** Whether this test's file system takes direct writes (ext4 and xfs do; tmpfs before Linux 6.6 does not). */
    private boolean directWorks() throws IOException {
        Path probe = Files.createFile(dir.resolve("probe"));
        try (java.nio.channels.FileChannel out = java.nio.channels.FileChannel.open(probe,
                java.nio.file.StandardOpenOption.WRITE);
                DirectAppender d = DirectAppender.open(probe, out, (int) Files.getFileStore(dir).getBlockSize())) {
            return d != null;
        } finally {
            Files.delete(probe);
        }
    }

    @Test
    void aLargeFileIsWrittenAroundThePageCacheFromPiecesOfAnySize() throws IOException {
        byte[] data = HashingTest.random(3 * DirectAppender.BUFFER + 1_000_000 + 777, 31);
        assertThat((long) data.length).isGreaterThanOrEqualTo(FolderWriter.DIRECT_MIN);
        boolean direct = directWorks();
        FolderWriter w = new FolderWriter(folder(true));
        int[] pieces = {1000, 300_000, 65_536, 4096, 1};
        try (IncomingFile in = w.begin("large.bin", data.length, Trees.OLD, hash(data))) {
            assertThat(in.writesDirect()).as("direct where the file system allows it").isEqualTo(direct);
            int off = 0;
            for (int i = 0; off < data.length; i++) {
                int n = Math.min(pieces[i % pieces.length], data.length - off);
                in.write(data, off, n);
                off += n;
            }
            assertThat(root.resolve("large.bin")).doesNotExist();
            in.commit();
        }
        assertThat(root.resolve("large.bin")).hasBinaryContent(data);
        assertThat(Files.getLastModifiedTime(root.resolve("large.bin")).toMillis()).isEqualTo(Trees.OLD);
        assertThat(temps()).isEmpty();
    }

    @Test
    void aLargeFileRebuiltFromItsUnchangedBlocksIsCopiedAroundThePageCacheToo() throws IOException {
        Delta d = delta("disk.img", 16 * B + 100, 41, 10, B - 50); // block 0 changes; the short last one does not
        byte[] now = d.now();
        Hashing.FileDigest source = d.source();
        Signature mine = d.mine();
        assertThat(Diff.changedBlocks(mine, source.blocks())).containsExactly(0);

        FolderWriter w = new FolderWriter(folder(false));
        try (IncomingFile in = w.begin("disk.img", now.length, 1, source.hash())) {
            in.write(now, 0, B); // held by the direct appender: less than its buffer
            assertThat(in.writesDirect()).isEqualTo(directWorks());
            in.copyBlocks(1, 16, mine.blocks()); // read straight into the appender's buffer, up to the end
            assertThat(in.writesDirect()).isEqualTo(directWorks());
            in.commit();
        }

        assertThat(root.resolve("disk.img")).hasBinaryContent(now);
        w.releaseRetired();
        assertThat(temps()).isEmpty();
    }

    @Test
    void runsOfUnchangedBlocksAreCopiedByTheKernelWithTheirKnownHashes() throws IOException {
        // the last block is short, and unchanged: the rebuilt file must still hash like the source
        Delta d = delta("img", 3 * B + 777, 17, B + 5, 100);
        byte[] now = d.now();
        Hashing.FileDigest source = d.source();
        Signature mine = d.mine();
        assertThat(Diff.changedBlocks(mine, source.blocks())).containsExactly(1);

        FolderWriter w = new FolderWriter(folder(false));
        try (IncomingFile in = w.begin("img", now.length, 1, source.hash())) {
            in.copyBlocks(0, 1, mine.blocks());
            in.write(now, B, B);
            in.copyBlocks(2, 2, mine.blocks());
            in.commit();
        }

        assertThat(root.resolve("img")).hasBinaryContent(now);
        w.releaseRetired();
        assertThat(temps()).isEmpty();
    }

    @Test
    void copyingABlockBeyondTheCurrentFileFailsAndAbortsTheFile() throws IOException {
        write(root, "f", HashingTest.random(B + 1, 1));
        FolderWriter w = new FolderWriter(folder(false));

        IncomingFile in = w.begin("f", 3 * B, 1, "00000000000000000000000000000000");
        in.copyBlock(1);
        assertThatThrownBy(() -> in.copyBlock(2)).isInstanceOf(IOException.class)
                .hasMessage("cannot copy block 2 of f in " + root + ": the current file has 2 blocks");
        assertThat(temps()).isEmpty();
        assertThatThrownBy(() -> in.write(new byte[1], 0, 1)).isInstanceOf(IllegalStateException.class);

        IncomingFile none = w.begin("missing", B, 1, "00000000000000000000000000000000");
        assertThatThrownBy(() -> none.copyBlock(0)).hasMessageContaining("there is no current file");
        assertThat(temps()).isEmpty();
    }

    @Test
    void aHashMismatchKeepsTheOldFileAndLeavesNoTemporaryFile() throws IOException {
        write(root, "f.txt", "old");
        FolderWriter w = new FolderWriter(folder(false));
        byte[] data = "corrupted in transit".getBytes(StandardCharsets.UTF_8);

        IncomingFile in = w.begin("f.txt", data.length, 1, hash("what was sent".getBytes(StandardCharsets.UTF_8)));
        in.write(data, 0, data.length);

        assertThatThrownBy(in::commit).isInstanceOf(HashMismatchException.class).hasMessageContaining("f.txt")
                .hasMessageContaining("the old file is kept");
        assertThat(root.resolve("f.txt")).hasContent("old");
        assertThat(temps()).isEmpty();
        assertThat(in.committed()).isEmpty();
    }

    @Test
    void tooFewOrTooManyBytesFailAndLeaveNothing() throws IOException {
        FolderWriter w = new FolderWriter(folder(false));
        byte[] data = "12345".getBytes(StandardCharsets.UTF_8);

        IncomingFile few = w.begin("few", 5, 1, hash(data));
        few.write(data, 0, 4);
        assertThatThrownBy(few::commit).hasMessage("cannot commit few in " + root + ": received 4 bytes, expected 5");

        IncomingFile many = w.begin("many", 4, 1, hash(data));
        assertThatThrownBy(() -> many.write(data, 0, 5)).hasMessageContaining("more than the declared 4 bytes");

        assertThat(Trees.list(root)).isEmpty();
    }

    @Test
    void abortLeavesNothingAndCanBeRepeated() throws IOException {
        write(root, "kept.txt", "kept");
        FolderWriter w = new FolderWriter(folder(false));

        IncomingFile in = w.begin("sub/new.txt", 3, 1, hash("abc".getBytes(StandardCharsets.UTF_8)));
        in.write("ab".getBytes(StandardCharsets.UTF_8), 0, 2);
        in.abort();
        in.abort();
        in.close();
        try (IncomingFile closed = w.begin("kept.txt", 3, 1, hash("abc".getBytes(StandardCharsets.UTF_8)))) {
            closed.write("abc".getBytes(StandardCharsets.UTF_8), 0, 3);
        }

        assertThat(temps()).isEmpty();
        assertThat(root.resolve("sub/new.txt")).doesNotExist();
        assertThat(root.resolve("kept.txt")).hasContent("kept");
    }

    @Test
    void replacedAndDeletedFilesStayAsideUntilReleasedAndTheScanNeverListsThem() throws IOException {
        write(root, "keep/old.txt", "old content");
        write(root, "gone.txt", "to be deleted");
        HashCache cache = HashCache.inMemory();
        FolderWriter w = new FolderWriter(folder(false), cache);
        byte[] next = "new content".getBytes(StandardCharsets.UTF_8);
        IncomingFile in = w.begin("keep/old.txt", next.length, Trees.OLD, hash(next));
        in.write(next, 0, next.length);
        in.commit();
        w.delete("gone.txt");

        assertThat(root.resolve("keep/old.txt")).hasContent("new content");
        assertThat(root.resolve("gone.txt")).doesNotExist();
        assertThat(temps()).hasSize(2); // the old versions, hidden
        try (FolderScanner s = new FolderScanner(HashCache.inMemory())) {
            assertThat(s.scan(folder(false))).extracting(Entry::path).containsExactly("keep", "keep/old.txt");
        }

        assertThat(w.releaseRetired()).isEqualTo(2);
        assertThat(temps()).isEmpty();
        assertThat(root.resolve("keep/old.txt")).hasContent("new content");
        assertThat(w.releaseRetired()).isZero();
    }

    @Test
    void theScanFindsLeftoverTempsAndRemoveTempsDeletesOnlyThose() throws IOException {
        write(root, "a/" + FolderWriter.TEMP_PREFIX + "dead.tmp", "x");
        write(root, "a/b/c/" + FolderWriter.TEMP_PREFIX + "beef.tmp", "y");
        write(root, "a/b/real.txt", "real");
        write(root, "a/.tandem-other", "not ours");
        Path outside = dir.resolve(FolderWriter.TEMP_PREFIX + "outside.tmp");
        Files.writeString(outside, "someone else's");
        FolderWriter w = new FolderWriter(folder(false));
        List<Path> seen;
        try (FolderScanner s = new FolderScanner(HashCache.inMemory())) {
            assertThat(s.scan(folder(false))).extracting(Entry::path).doesNotContain("a/" + FolderWriter.TEMP_PREFIX + "dead.tmp");
            seen = s.tempsSeen();
        }

        assertThat(seen).containsExactlyInAnyOrder(root.resolve("a/" + FolderWriter.TEMP_PREFIX + "dead.tmp"),
                root.resolve("a/b/c/" + FolderWriter.TEMP_PREFIX + "beef.tmp"));
        List<Path> asked = new ArrayList<>(seen);
        asked.add(outside); // not in this folder: left alone
        asked.add(root.resolve("a/b/real.txt")); // not a temporary file: left alone
        assertThat(w.removeTemps(asked)).isEqualTo(2);
        assertThat(Trees.list(root)).containsExactly("a", "a/.tandem-other", "a/b", "a/b/c", "a/b/real.txt");
        assertThat(outside).exists();
        assertThat(w.removeTemps(seen)).isZero();
    }

    @Test
    void aCrashBeforeTheCommitLeavesTheOldFileAndATempThatTheNextStartRemoves() throws IOException {
        write(root, "data.db", "old state");
        byte[] next = "new state, never committed".getBytes(StandardCharsets.UTF_8);
        IncomingFile crashed = new FolderWriter(folder(false)).begin("data.db", next.length, 1, hash(next));
        crashed.write(next, 0, next.length);
        // the process dies here: neither commit nor abort
        try {
            assertThat(temps()).hasSize(1);

            FolderWriter restarted = new FolderWriter(folder(false));
            try (FolderScanner scan = new FolderScanner(HashCache.inMemory())) {
                scan.scan(folder(false));
                assertThat(restarted.removeTemps(scan.tempsSeen())).isEqualTo(1);
            }

            assertThat(temps()).isEmpty();
            assertThat(root.resolve("data.db")).hasContent("old state");
        } finally {
            crashed.close(); // releases the descriptor a real crash would have released
        }
    }

    @Test
    void commitAllCommitsAManySmallFilesBatch() throws IOException {
        HashCache cache = HashCache.inMemory();
        FolderWriter w = new FolderWriter(folder(true), cache);
        List<IncomingFile> batch = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            byte[] data = ("file number " + i).repeat(i % 5).getBytes(StandardCharsets.UTF_8);
            contents.add(data);
            IncomingFile in = w.begin("d" + (i % 10) + "/f" + i + ".txt", data.length, Trees.OLD + i, hash(data));
            in.write(data, 0, data.length);
            batch.add(in);
        }

        List<Entry> entries = w.commitAll(batch);

        assertThat(entries).hasSize(500);
        for (int i = 0; i < 500; i++) {
            assertThat(entries.get(i).path()).isEqualTo("d" + (i % 10) + "/f" + i + ".txt");
            assertThat(root.resolve(entries.get(i).path())).hasBinaryContent(contents.get(i));
            assertThat(entries.get(i).mtimeMillis()).isEqualTo(Trees.OLD + i);
        }
        assertThat(temps()).isEmpty();
        assertThat(cache.size()).isEqualTo(500);
    }

    @Test
    void commitAllCommitsTheGoodFilesAndThenReportsTheBadOne() throws IOException {
        FolderWriter w = new FolderWriter(folder(false));
        List<IncomingFile> batch = fiveFilesTheOneBad(w, 2);

        assertThatThrownBy(() -> w.commitAll(batch)).isInstanceOf(HashMismatchException.class).hasMessageContaining("f2");

        assertThat(batch).extracting(in -> in.committed().isPresent()).containsExactly(true, true, false, true, true);
        assertThat(Trees.list(root)).containsExactly("f0", "f1", "f3", "f4");
    }

    @Test
    void stagedBatchesArePutInPlaceByTheGroupCommit() throws IOException {
        HashCache cache = HashCache.inMemory();
        FolderWriter w = new FolderWriter(folder(true), cache);
        List<byte[]> contents = new ArrayList<>();
        for (int b = 0; b < 20; b++) {
            List<IncomingFile> batch = new ArrayList<>();
            for (int i = b * 25; i < (b + 1) * 25; i++) {
                byte[] data = ("staged file " + i).repeat(i % 4).getBytes(StandardCharsets.UTF_8);
                contents.add(data);
                IncomingFile in = w.begin("d" + (i % 7) + "/f" + i + ".txt", data.length, Trees.OLD + i, hash(data));
                in.write(data, 0, data.length);
                batch.add(in);
            }
            w.stage(batch);
            batch.forEach(IncomingFile::abort); // what a fetch does in its finally: no effect on a staged file
        }

        assertThat(w.finishStaged()).isEqualTo(500);

        for (int i = 0; i < 500; i++) {
            Path p = root.resolve("d" + (i % 7) + "/f" + i + ".txt");
            assertThat(p).hasBinaryContent(contents.get(i));
            assertThat(Files.getLastModifiedTime(p).toMillis()).isEqualTo(Trees.OLD + i);
        }
        assertThat(temps()).isEmpty();
        assertThat(cache.size()).isEqualTo(500);
        assertThat(w.finishStaged()).as("counted once").isZero();
    }

    @Test
    void stageReportsABadFileAndStillCommitsTheOthers() throws IOException {
        FolderWriter w = new FolderWriter(folder(false));
        List<IncomingFile> batch = fiveFilesTheOneBad(w, 3);

        assertThatThrownBy(() -> w.stage(batch)).isInstanceOf(HashMismatchException.class).hasMessageContaining("f3");

        assertThat(w.finishStaged()).isEqualTo(4);
        assertThat(Trees.list(root)).containsExactly("f0", "f1", "f2", "f4");
        assertThat(temps()).isEmpty();
    }

    @Test
    void aGroupCommitThatMayNotInstallThrowsTheFilesAwayAndKeepsTheOldOnes() throws IOException {
        write(root, "f0", "old");
        java.util.concurrent.atomic.AtomicBoolean standby = new java.util.concurrent.atomic.AtomicBoolean(true);
        FolderWriter w = new FolderWriter(folder(false), null, standby::get);
        byte[] data = "new".getBytes(StandardCharsets.UTF_8);
        IncomingFile in = w.begin("f0", data.length, 1, hash(data));
        in.write(data, 0, data.length);
        IncomingFile fresh = w.begin("f1", data.length, 1, hash(data));
        fresh.write(data, 0, data.length);
        standby.set(false); // a takeover while the batch waited for its flush

        w.stage(List.of(in, fresh));

        assertThatThrownBy(w::finishStaged).hasMessageContaining("no longer the standby");
        assertThat(root.resolve("f0")).hasContent("old");
        assertThat(Trees.list(root)).containsExactly("f0");
        assertThat(temps()).isEmpty();
    }

    @Test
    void aDirectoryDeletedAndMadeAgainIsExaminedAgain() throws IOException {
        FolderWriter w = new FolderWriter(folder(false));
        receive(w, "a/b/f1", "one".getBytes(StandardCharsets.UTF_8), 1);
        w.delete("a/b/f1");
        w.delete("a/b");
        Path outside = Files.createDirectories(dir.resolve("elsewhere"));
        Files.createSymbolicLink(root.resolve("a/b"), outside); // what a writer that remembered a/b would follow

        byte[] data = "two".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> w.begin("a/b/f2", data.length, 1, hash(data))).isInstanceOf(UnsafePathException.class);
        assertThat(outside).isEmptyDirectory();
    }

    @Test
    void symbolicLinksAreNeverFollowed() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path secret = write(outside, "secret", "secret");
        Files.createSymbolicLink(root.resolve("dirlink"), outside);
        Files.createSymbolicLink(root.resolve("filelink"), secret);
        FolderWriter w = new FolderWriter(folder(false));
        byte[] evil = "evil".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> w.begin("dirlink/secret", 4, 1, hash(evil))).isInstanceOf(UnsafePathException.class);
        assertThatThrownBy(() -> w.begin("dirlink/new", 4, 1, hash(evil))).isInstanceOf(UnsafePathException.class);
        assertThatThrownBy(() -> w.begin("filelink", 4, 1, hash(evil))).isInstanceOf(UnsafePathException.class);
        assertThatThrownBy(() -> w.mkdirs("dirlink/sub")).isInstanceOf(UnsafePathException.class);
        assertThatThrownBy(() -> w.touch("filelink", 1)).isInstanceOf(UnsafePathException.class);
        assertThatThrownBy(() -> w.delete("dirlink/secret")).isInstanceOf(UnsafePathException.class);
        assertThatThrownBy(() -> w.begin("../outside/secret", 4, 1, hash(evil))).isInstanceOf(UnsafePathException.class);

        w.delete("filelink");
        w.delete("dirlink");

        assertThat(secret).hasContent("secret");
        try (var s = Files.list(outside)) {
            assertThat(s.toList()).containsExactly(secret);
        }
        assertThat(Trees.list(root)).isEmpty();
    }

    @Test
    void deleteRemovesFilesAndEmptyDirectoriesAndKeepsOnesThatStillHoldSomething() throws IOException {
        write(root, "a/f.txt", "f");
        Files.createDirectories(root.resolve("empty/inner"));
        write(root, "full/excluded.tmp", "x");
        FolderWriter w = new FolderWriter(folder(false));

        w.delete("a/f.txt");
        w.delete("a");
        w.delete("empty/inner");
        w.delete("empty");
        w.delete("never-was");
        w.delete("never/was");
        try (LogCapture log = new LogCapture(FolderWriter.class)) {
            w.delete("full");
            assertThat(log.messages(Level.INFO)).singleElement().asString().startsWith("kept directory full in ");
        }
        w.releaseRetired();

        assertThat(Trees.list(root)).containsExactly("full", "full/excluded.tmp");
    }

    @Test
    void mkdirsCreatesTheWholePathAndRefusesAFileInTheWay() throws IOException {
        write(root, "file", "f");
        FolderWriter w = new FolderWriter(folder(false));

        w.mkdirs("a/b/c");
        w.mkdirs("a/b/c");

        assertThat(root.resolve("a/b/c")).isDirectory();
        assertThatThrownBy(() -> w.mkdirs("file/sub")).isInstanceOf(IOException.class).hasMessageContaining("a file is in the way");
        assertThatThrownBy(() -> w.mkdirs("file")).isInstanceOf(IOException.class).hasMessageContaining("a file is in the way");
    }

    @Test
    void touchSetsTheMtimeAndKeepsTheCachedHash() throws IOException {
        write(root, "f.txt", "same content");
        Trees.age(root);
        HashCache cache = HashCache.inMemory();
        SyncFolder f = folder(true);
        try (FolderScanner s = new FolderScanner(cache)) {
            s.scan(f);
            long read = s.hashedBytes();

            new FolderWriter(f, cache).touch("f.txt", Trees.OLD + 60_000);

            assertThat(Files.getLastModifiedTime(root.resolve("f.txt")).toMillis()).isEqualTo(Trees.OLD + 60_000);
            assertThat(s.scan(f)).singleElement().extracting(Entry::mtimeMillis).isEqualTo(Trees.OLD + 60_000);
            assertThat(s.hashedBytes()).isEqualTo(read);
        }
        assertThatThrownBy(() -> new FolderWriter(f).touch("missing", 1)).hasMessageContaining("it does not exist");
    }

    @Test
    void theRootIsCreatedWhenItDoesNotExistYet() throws IOException {
        SyncFolder fresh = folder(false).at(dir.resolve("fresh/standby"));

        receive(new FolderWriter(fresh), "x.txt", "x".getBytes(StandardCharsets.UTF_8), 1);

        assertThat(dir.resolve("fresh/standby/x.txt")).hasContent("x");
    }

    @Test
    void unicodeNamesAreWritten() throws IOException {
        Unicode.assumeFileNames("Grüße/日本語 file.txt");

        receive(new FolderWriter(folder(false)), "Grüße/日本語 file.txt", "hallo".getBytes(StandardCharsets.UTF_8), 1);

        assertThat(root.resolve("Grüße/日本語 file.txt")).hasContent("hallo");
    }

    /** Files f0..f4 received whole, f{@code bad} declared with the hash of other content. */
    private static List<IncomingFile> fiveFilesTheOneBad(FolderWriter w, int bad) throws IOException {
        List<IncomingFile> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] data = ("content " + i).getBytes(StandardCharsets.UTF_8);
            IncomingFile in = w.begin("f" + i, data.length, 1, i == bad ? hash(new byte[data.length]) : hash(data));
            in.write(data, 0, data.length);
            batch.add(in);
        }
        return batch;
    }
}
