package tandem.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full-size backup archive (1 GiB) uploaded and checked on the server, as the redundancy profile's
 * scheduled transfer does it. Tagged {@code large}: it runs in every {@code mvn test} (about 20 to 40 s
 * on two loaded cores, mostly the in-process server's own decryption) and can be left out with
 * {@code -DexcludedGroups=large}.
 */
@Tag("large")
class LargeUploadTest {
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void aOneGibibyteArchiveIsUploadedAndVerified() throws Exception {
        Path local = dir.resolve("full-backup.tar");
        String expected = writeArchive(local, 1024);
        Path remote = Files.createDirectories(dir.resolve("standby"));
        Files.writeString(remote.resolve("full-backup.tar"), "yesterday's backup");

        try (StandbySsh ssh = StandbySsh.start()) {
            TransferReport r = Transfer.upload(ssh.passwordTarget(ssh.trustedKnownHosts(dir)), local, remote.toString(),
                    "full-backup.tar");

            assertThat(r.bytes()).isEqualTo(1024L * MIB);
            assertThat(r.sha256Hex()).isEqualTo(expected);
            assertThat(r.verified()).isTrue();
        }
        Path uploaded = remote.resolve("full-backup.tar");
        assertThat(Files.size(uploaded)).isEqualTo(1024L * MIB);
        assertThat(Files.mismatch(local, uploaded)).isEqualTo(-1L);
        assertThat(remote.resolve(".full-backup.tar.part")).doesNotExist();
    }

    /**
     * {@code mib} MiB: one random MiB written over and over with its index in the first 8 bytes, so
     * that no two MiB are equal (a misplaced block would show in the hash). Returns the SHA-256.
     */
    static String writeArchive(Path file, int mib) throws IOException, java.security.GeneralSecurityException {
        byte[] block = new byte[MIB];
        new Random(7).nextBytes(block);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(block);
            for (int i = 0; i < mib; i++) {
                buf.clear();
                buf.putLong(0, i);
                md.update(block);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
