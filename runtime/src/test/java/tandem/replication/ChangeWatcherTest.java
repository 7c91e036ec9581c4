package tandem.replication;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.config.Folder;

/** The continuous mode's watcher on a real folder: what it notices and how it reports it. */
class ChangeWatcherTest {
    @TempDir
    Path dir;

    private final BlockingQueue<ObjectNode> notices = new LinkedBlockingQueue<>();
    private ChangeWatcher watcher;

    @AfterEach
    void close() {
        if (watcher != null) {
            watcher.close();
        }
    }

    private ChangeWatcher watch(Path folder) throws Exception {
        watcher = new ChangeWatcher(List.of(new Folder(folder, List.of("**"), List.of(), false, false,
                Optional.empty())), notices::add);
        return watcher;
    }

    /** Collects the paths of the notices that arrive until {@code want} were all seen (at most 10 s). */
    private List<String> pathsUntil(Path folder, String... want) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!seen.containsAll(List.of(want)) && System.nanoTime() < end) {
            ObjectNode n = notices.poll(200, TimeUnit.MILLISECONDS);
            if (n != null) {
                n.path("changes").path(folder.toString()).forEach(p -> seen.add(p.asText()));
            }
        }
        return seen;
    }

    @Test
    void aNewFileAChangeAndADeletionAreReportedWithTheirRelativePaths() throws Exception {
        Path f = Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(f.resolve("sub"));
        Files.writeString(f.resolve("sub/old.txt"), "old");
        watch(f);

        Files.writeString(f.resolve("new.txt"), "new");
        Files.writeString(f.resolve("sub/old.txt"), "changed");
        assertThat(pathsUntil(f, "new.txt", "sub/old.txt")).contains("new.txt", "sub/old.txt");

        Files.delete(f.resolve("new.txt"));
        assertThat(pathsUntil(f, "new.txt")).contains("new.txt");
    }

    @Test
    void aNewFolderIsWatchedAndWhatItAlreadyHoldsIsReported() throws Exception {
        Path f = Files.createDirectories(dir.resolve("data"));
        watch(f);

        Path staged = Files.createDirectories(dir.resolve("staged/inner"));
        Files.writeString(staged.resolve("a.txt"), "a");
        Files.move(dir.resolve("staged"), f.resolve("moved"));
        assertThat(pathsUntil(f, "moved", "moved/inner/a.txt")).contains("moved", "moved/inner/a.txt");

        Files.writeString(f.resolve("moved/inner/b.txt"), "b");
        assertThat(pathsUntil(f, "moved/inner/b.txt")).as("the moved-in folder is watched").contains("moved/inner/b.txt");
    }

    @Test
    void aBurstTooBigToListAsksForAFullComparison() throws Exception {
        Path f = Files.createDirectories(dir.resolve("data"));
        watch(f);

        // written aside and moved in at once, so the burst is one event however slow the machine
        Path staged = Files.createDirectories(dir.resolve("staged"));
        for (int i = 0; i < ChangeWatcher.MAX_PATHS + 50; i++) {
            Files.writeString(staged.resolve("f" + i), "x");
        }
        Files.move(staged, f.resolve("bulk"));
        boolean full = false;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!full && System.nanoTime() < end) {
            ObjectNode n = notices.poll(200, TimeUnit.MILLISECONDS);
            full = n != null && n.path("full").asBoolean(false);
        }
        assertThat(full).as("a notice asking for a full comparison").isTrue();
    }

    @Test
    void temporaryFilesOfReplicationAreNotReported() throws Exception {
        Path f = Files.createDirectories(dir.resolve("data"));
        watch(f);

        Files.writeString(f.resolve(".tandem-sync-123.tmp"), "t");
        Files.writeString(f.resolve("real.txt"), "r");
        List<String> seen = pathsUntil(f, "real.txt");
        assertThat(seen).contains("real.txt").noneMatch(p -> p.startsWith(".tandem-sync-"));
    }
}
