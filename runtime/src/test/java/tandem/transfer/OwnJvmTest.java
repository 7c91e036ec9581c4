package tandem.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.transfer.TransferException.Step;

/**
 * An upload in a JVM of its own (what a node, which compiles with C1 only, does) against a real SSH
 * server with SFTP in this process: the same outcome and the same errors as in this JVM.
 */
class OwnJvmTest {
    @TempDir
    Path dir;

    private StandbySsh ssh;

    @AfterEach
    void stop() throws IOException {
        if (ssh != null) {
            ssh.close();
        }
    }

    @Test
    void anUploadInAJvmOfItsOwnIsVerifiedAndRenamed() throws Exception {
        ssh = StandbySsh.start();
        Path remote = Files.createDirectories(dir.resolve("standby/backups"));
        Files.writeString(remote.resolve("full.tar"), "the previous backup");
        Path local = TransferTest.randomFile(dir.resolve("full.tar"), 2 * 1024 * 1024 + 5);

        TransferReport r = new Transfer(Transfer.DEFAULT_CHUNK, true).send(ssh.passwordTarget(ssh.trustedKnownHosts(dir)),
                local, remote.toString(), "full.tar");

        assertThat(r.remotePath()).isEqualTo(remote.resolve("full.tar").toString());
        assertThat(r.bytes()).isEqualTo(Files.size(local));
        assertThat(r.sha256Hex()).isEqualTo(TransferTest.sha256(local));
        assertThat(r.verified()).isTrue();
        assertThat(Files.mismatch(local, remote.resolve("full.tar"))).isEqualTo(-1L);
        assertThat(remote.resolve(".full.tar.part")).doesNotExist();
    }

    @Test
    void itsFailureNamesTheSameStepAndReason() throws Exception {
        ssh = StandbySsh.start();
        Path emptyKnownHosts = dir.resolve("known_hosts");
        Path remote = dir.resolve("never");

        assertThatThrownBy(() -> new Transfer(Transfer.DEFAULT_CHUNK, true).send(ssh.passwordTarget(emptyKnownHosts),
                TransferTest.randomFile(dir.resolve("f"), 10), remote.toString(), "f.tar"))
                .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.step()).isEqualTo(Step.HOST_KEY))
                .hasMessageContaining("host key of 127.0.0.1:" + ssh.port() + " is unknown")
                .hasMessageContaining("ssh-ed25519 " + KeyUtils.getFingerPrint(ssh.hostKey.getPublic()));
        assertThat(remote).doesNotExist();
    }

    @Test
    void onlyAJvmWithoutC2NeedsOne() {
        assertThat(OwnJvm.needed(List.of("-Xmx128m", "-XX:TieredStopAtLevel=1"))).isTrue();
        assertThat(OwnJvm.needed(List.of("-XX:CompilationMode=quick-only"))).isTrue();
        assertThat(OwnJvm.needed(List.of("-XX:TieredStopAtLevel=1", "-XX:TieredStopAtLevel=4"))).isFalse();
        assertThat(OwnJvm.needed(List.of("-XX:TieredStopAtLevel=1", "-XX:-TieredCompilation"))).isFalse();
        assertThat(OwnJvm.needed(List.of("-Xmx128m"))).isFalse();
        assertThat(OwnJvm.needed(OwnJvm.FLAGS)).isFalse();
    }
}
