package tandem.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tandem.transfer.RemoteCommand;
import tandem.transfer.SshTarget;
import tandem.transfer.Transfer;
import tandem.transfer.TransferException;
import tandem.transfer.TransferReport;

/**
 * The demo's standby SSH through the active's own SSH library: its host key is trusted from the start,
 * its password comes from the file it wrote, the first connection's login is refused and the next one
 * uploads (SFTP v3, real paths) and runs a command by /bin/sh -c.
 */
class DemoStandbySshTest {
    @TempDir
    Path dir;

    @Test
    void refusesTheFirstConnectionThenUploadsAndRunsCommands() throws Exception {
        Path knownHosts = dir.resolve("active/known_hosts");
        Path passwordFile = dir.resolve("standby.password");
        List<String> events = new CopyOnWriteArrayList<>();
        try (DemoStandbySsh ssh = DemoStandbySsh.start(passwordFile, knownHosts, true, events::add)) {
            String password = Files.readString(passwordFile).strip();
            assertThat(password).hasSizeGreaterThanOrEqualTo(16);
            assertThat(Files.readString(knownHosts)).startsWith("[127.0.0.1]:" + ssh.port() + " ssh-ed25519 ");
            SshTarget target = SshTarget.ofPassword("127.0.0.1", password, knownHosts).withPort(ssh.port())
                    .withTimeout(Duration.ofSeconds(20));
            Path archive = Files.writeString(dir.resolve("backup.tar"), "a backup\n");

            assertThatThrownBy(() -> Transfer.upload(target, archive, dir.resolve("incoming").toString(), "b.tar"))
                    .isInstanceOf(TransferException.class).hasMessageContaining("with the password refused");
            assertThat(ssh.refused()).isEqualTo(1);
            assertThat(events.get(0)).contains("refused the login of root", "the demo's one failed attempt");

            TransferReport r = Transfer.upload(target, archive, dir.resolve("incoming").toString(), "b.tar");
            assertThat(r.verified()).isTrue();
            assertThat(Files.readString(dir.resolve("incoming/b.tar"))).isEqualTo("a backup\n");
            RemoteCommand.Result run = RemoteCommand.run(target, "cat '" + dir.resolve("incoming/b.tar") + "' && exit 3",
                    Duration.ofSeconds(20));
            assertThat(run.exitCode()).isEqualTo(3);
            assertThat(run.stdout()).isEqualTo("a backup\n");

            SshTarget wrong = SshTarget.ofPassword("127.0.0.1", "not-" + password, knownHosts).withPort(ssh.port())
                    .withTimeout(Duration.ofSeconds(20));
            assertThatThrownBy(() -> RemoteCommand.run(wrong, "true", Duration.ofSeconds(20)))
                    .hasMessageContaining("with the password refused");
            assertThat(ssh.logins()).isEqualTo(2);
            assertThat(ssh.refused()).isEqualTo(2);
        }
    }
}
