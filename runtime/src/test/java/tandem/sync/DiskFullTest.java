package tandem.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real full disk: a 256 KiB tmpfs, which needs root (CI runs as root; skipped otherwise). */
class DiskFullTest {

    @TempDir
    Path dir;

    private Path mount;

    @BeforeEach
    void mountSmallTmpfs() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to mount a tmpfs");
        mount = Files.createDirectories(dir.resolve("small"));
        int rc = run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mount.toString());
        if (rc != 0) {
            mount = null;
        }
        Assumptions.assumeTrue(mount != null, "mount -t tmpfs failed (no CAP_SYS_ADMIN?)");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            run("umount", mount.toString());
        }
    }

    private static int run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    @Test
    void aFullDiskFailsTheFileNamingTheFolderAndKeepsTheOldOne() throws IOException {
        Path root = Files.createDirectories(mount.resolve("data"));
        byte[] old = HashingTest.random(10_000, 1);
        Files.write(root.resolve("db.dump"), old);
        byte[] big = HashingTest.random(1024 * 1024, 2);
        Hashing.Hasher h = new Hashing.Hasher();
        h.update(big, 0, big.length);
        FolderWriter w = new FolderWriter(new SyncFolder("/data", root, List.of("**"), List.of(), false, false));

        IncomingFile in = w.begin("db.dump", big.length, 1, h.finish());
        assertThatThrownBy(() -> {
            for (int off = 0; off < big.length; off += 65536) {
                in.write(big, off, 65536);
            }
            in.commit();
        }).isInstanceOf(DiskFullException.class)
                .hasMessage("no space left on device in folder " + root + " while writing db.dump; the existing file is kept");

        assertThat(root.resolve("db.dump")).hasBinaryContent(old);
        assertThat(Trees.list(root)).containsExactly("db.dump");
        assertThatThrownBy(() -> in.write(new byte[1], 0, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aDiskThatFillsDuringAStagedBatchKeepsTheOldFilesAndPutsTheStagedOnesInPlace() throws IOException {
        Path root = Files.createDirectories(mount.resolve("data"));
        Files.writeString(root.resolve("f9"), "old nine");
        FolderWriter w = new FolderWriter(new SyncFolder("/data", root, List.of("**"), List.of(), false, false));
        List<IncomingFile> fitting = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] data = HashingTest.random(8_000, 10 + i);
            IncomingFile in = w.begin("f" + i, data.length, 1, hash(data));
            in.write(data, 0, data.length);
            fitting.add(in);
        }
        w.stage(fitting);

        byte[] big = HashingTest.random(512 * 1024, 3); // more than the disk holds
        IncomingFile tooBig = w.begin("f9", big.length, 1, hash(big));
        assertThatThrownBy(() -> {
            for (int off = 0; off < big.length; off += 65536) {
                tooBig.write(big, off, 65536);
            }
        }).isInstanceOf(DiskFullException.class);

        assertThat(w.finishStaged()).isEqualTo(4);
        assertThat(root.resolve("f9")).hasContent("old nine");
        assertThat(Trees.list(root)).containsExactly("f0", "f1", "f2", "f3", "f9");
    }

    private static String hash(byte[] data) {
        return Hashing.hash(data, 0, data.length);
    }
}
