package tandem.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.command.CommandFactory;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.server.shell.ProcessShellFactory;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tandem.transfer.TransferException.Step;

/** Uploads and remote commands against a real SSH server with SFTP in this process. */
class TransferTest {
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
    void uploadIsVerifiedAndRenamedOntoThePreviousBackup() throws Exception {
        ssh = StandbySsh.start();
        Path remote = Files.createDirectories(dir.resolve("standby/backups"));
        Files.writeString(remote.resolve("full.tar"), "the previous backup");
        Path local = randomFile(dir.resolve("full.tar"), 3 * 1024 * 1024 + 17);

        TransferReport r = Transfer.upload(ssh.passwordTarget(ssh.trustedKnownHosts(dir)), local, remote.toString(),
                "full.tar");

        assertThat(r.remotePath()).isEqualTo(remote.resolve("full.tar").toString());
        assertThat(r.bytes()).isEqualTo(Files.size(local));
        assertThat(r.sha256Hex()).isEqualTo(sha256(local));
        assertThat(r.verified()).isTrue();
        assertThat(Files.mismatch(local, remote.resolve("full.tar"))).isEqualTo(-1L);
        assertThat(remote.resolve(".full.tar.part")).doesNotExist();
    }

    @Test
    void partialFilesOfEarlierCutUploadsAreRemovedAfterASuccessfulOne() throws Exception {
        ssh = StandbySsh.start();
        Path remote = Files.createDirectories(dir.resolve("standby/backups"));
        // left by uploads whose server went away in the middle: their own clean-up could not reach it
        Files.writeString(remote.resolve(".backup-20261201-020000.backup.part"), "half an archive");
        Files.writeString(remote.resolve(".backup-20261201-020000.backup.manifest.json.part"), "{");
        Files.writeString(remote.resolve("backup-20261130-020000.backup"), "a whole earlier backup");
        Files.writeString(remote.resolve("notes.part"), "not hidden: not ours");
        Path local = randomFile(dir.resolve("backup-20261202-020000.backup"), 4096);

        Transfer.upload(ssh.passwordTarget(ssh.trustedKnownHosts(dir)), local, remote.toString(),
                "backup-20261202-020000.backup");

        assertThat(remote.resolve("backup-20261202-020000.backup")).exists();
        assertThat(remote.resolve(".backup-20261201-020000.backup.part")).doesNotExist();
        assertThat(remote.resolve(".backup-20261201-020000.backup.manifest.json.part")).doesNotExist();
        assertThat(remote.resolve("backup-20261130-020000.backup")).exists();
        assertThat(remote.resolve("notes.part")).exists();
    }

    @Test
    void withoutPosixRenameTheOldFileIsRemovedFirst() throws Exception {
        List<Path> removed = new CopyOnWriteArrayList<>();
        SftpEventListener removals = new SftpEventListener() {
            @Override
            public void removing(ServerSession session, Path path, boolean isDirectory) {
                removed.add(path);
            }
        };
        ssh = StandbySsh.start(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256), StandbySsh.shell(), removals);
        // the server announces only fsync@openssh.com, not posix-rename@openssh.com
        SftpModuleProperties.OPENSSH_EXTENSIONS.set(ssh.server, "fsync@openssh.com=1");
        Path remote = Files.createDirectories(dir.resolve("standby"));
        Files.writeString(remote.resolve("full.tar"), "the previous backup");
        Path local = randomFile(dir.resolve("full.tar"), 50_000);

        Transfer.upload(ssh.passwordTarget(ssh.trustedKnownHosts(dir)), local, remote.toString(), "full.tar");

        assertThat(removed).extracting(p -> p.getFileName().toString()).containsExactly("full.tar");
        assertThat(Files.mismatch(local, remote.resolve("full.tar"))).isEqualTo(-1L);
        assertThat(remote.resolve(".full.tar.part")).doesNotExist();
    }

    @Test
    void uploadCreatesTheMissingFolder() throws Exception {
        ssh = StandbySsh.start();
        Path local = randomFile(dir.resolve("a.tar"), 1000);
        Path remote = dir.resolve("new/deeper/folder");

        Transfer.upload(ssh.passwordTarget(ssh.trustedKnownHosts(dir)), local, remote + "/", "a.tar");

        assertThat(Files.mismatch(local, remote.resolve("a.tar"))).isEqualTo(-1L);
    }

    @Test
    void anEmptyFileUploadsToo() throws Exception {
        ssh = StandbySsh.start();
        Path local = Files.createFile(dir.resolve("empty.tar"));

        TransferReport r = Transfer.upload(ssh.passwordTarget(ssh.trustedKnownHosts(dir)), local, dir.resolve("in")
                .toString(), "empty.tar");

        assertThat(r.bytes()).isZero();
        assertThat(r.sha256Hex()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(dir.resolve("in/empty.tar")).isEmptyFile();
    }

    @ParameterizedTest(name = "{0} key")
    @CsvSource({"ssh-ed25519, 256", "ssh-rsa, 3072"})
    void keyLogin(String type, int bits) throws Exception {
        ssh = StandbySsh.start();
        Path key = ssh.authorizeNewKey(type, bits, dir.resolve("id"));

        RemoteCommand.Result r = RemoteCommand.run(ssh.keyTarget(key, ssh.trustedKnownHosts(dir)), "echo logged in",
                Duration.ofSeconds(20));

        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("logged in\n");
    }

    @Test
    void aKeyTheServerDoesNotKnowIsRefused() throws Exception {
        ssh = StandbySsh.start();
        Path key = ssh.authorizeNewKey(KeyPairProvider.SSH_ED25519, 256, dir.resolve("id"));
        ssh.authorizedKeys.clear();

        assertThatThrownBy(() -> RemoteCommand.run(ssh.keyTarget(key, ssh.trustedKnownHosts(dir)), "true",
                Duration.ofSeconds(20)))
                .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.step()).isEqualTo(Step.AUTH))
                .hasMessageContaining("login as root@127.0.0.1:" + ssh.port() + " with the key " + key + " refused");
    }

    @Test
    void aWrongPasswordIsRefusedClearly() throws Exception {
        ssh = StandbySsh.start();
        SshTarget good = ssh.passwordTarget(ssh.trustedKnownHosts(dir));
        SshTarget bad = new SshTarget(good.host(), good.port(), "root", "wrong", null, good.knownHosts(), good.timeout());

        assertThatThrownBy(() -> Transfer.upload(bad, randomFile(dir.resolve("x"), 10), dir.toString(), "x.tar"))
                .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.step()).isEqualTo(Step.AUTH))
                .hasMessageContaining("login as root@127.0.0.1:" + ssh.port() + " with the password refused")
                .hasMessageNotContaining("wrong");
        assertThat(dir.resolve("x.tar")).doesNotExist();
    }

    @Test
    void anUnknownHostKeyIsRefusedWithItsFingerprint() throws Exception {
        ssh = StandbySsh.start();
        Path emptyKnownHosts = dir.resolve("known_hosts");
        Path remote = dir.resolve("never");

        assertThatThrownBy(() -> Transfer.upload(ssh.passwordTarget(emptyKnownHosts), randomFile(dir.resolve("f"), 10),
                remote.toString(), "f.tar"))
                .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.step()).isEqualTo(Step.HOST_KEY))
                .hasMessageContaining("host key of 127.0.0.1:" + ssh.port() + " is unknown")
                .hasMessageContaining("ssh-ed25519 " + KeyUtils.getFingerPrint(ssh.hostKey.getPublic()))
                .hasMessageContaining("tandem command trust-standby-key");
        assertThat(remote).doesNotExist();
        assertThat(emptyKnownHosts).doesNotExist();
    }

    @Test
    void aChangedHostKeyIsRefusedWithBothFingerprints() throws Exception {
        ssh = StandbySsh.start();
        Path kh = dir.resolve("known_hosts");
        KeyPair old = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        HostKeys.record(kh, "127.0.0.1", ssh.port(), old.getPublic());

        assertThatThrownBy(() -> RemoteCommand.run(ssh.passwordTarget(kh), "true", Duration.ofSeconds(20)))
                .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.step()).isEqualTo(Step.HOST_KEY))
                .hasMessageContaining("host key of 127.0.0.1:" + ssh.port() + " has CHANGED")
                .hasMessageContaining("attack")
                .hasMessageContaining("known is ssh-ed25519 " + HostKeys.fingerprint(old.getPublic()) + " (" + kh + ":1)")
                .hasMessageContaining("now presents ssh-ed25519 " + HostKeys.fingerprint(ssh.hostKey.getPublic()));
    }

    @Test
    void aKeyKnownForAnotherPortIsUnknownOnThisOne() throws Exception {
        ssh = StandbySsh.start();
        Path kh = dir.resolve("known_hosts");
        HostKeys.record(kh, "127.0.0.1", 22, ssh.hostKey.getPublic());

        assertThatThrownBy(() -> RemoteCommand.run(ssh.passwordTarget(kh), "true", Duration.ofSeconds(20)))
                .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.step()).isEqualTo(Step.HOST_KEY))
                .hasMessageContaining("is unknown");
    }

    @ParameterizedTest(name = "{0} host key")
    @CsvSource({"ssh-ed25519, 256", "ssh-rsa, 2048", "ecdsa-sha2-nistp256, 256"})
    void aTrustedHostKeyOfEachTypeIsAccepted(String type, int bits) throws Exception {
        ssh = StandbySsh.start(KeyUtils.generateKeyPair(type, bits), StandbySsh.shell(), null);
        Path kh = dir.resolve("known_hosts");

        HostKeys.Presented shown = HostKeys.fetch(ssh.passwordTarget(kh));
        assertThat(shown.keyType()).isEqualTo(type);
        assertThat(shown.fingerprint()).isEqualTo(KeyUtils.getFingerPrint(ssh.hostKey.getPublic())).startsWith("SHA256:");
        assertThat(shown.trusted()).isFalse();
        assertThat(shown.refusal()).contains("is unknown");

        HostKeys.record(kh, "127.0.0.1", ssh.port(), shown.key());

        assertThat(HostKeys.fetch(ssh.passwordTarget(kh)).trusted()).isTrue();
        assertThat(RemoteCommand.run(ssh.passwordTarget(kh), "echo ok", Duration.ofSeconds(20)).stdout()).isEqualTo("ok\n");
    }

    @Test
    void fetchingTheHostKeyDoesNotLogIn() throws Exception {
        ssh = StandbySsh.start();
        AtomicBoolean loginTried = new AtomicBoolean();
        ssh.server.setPasswordAuthenticator((user, password, session) -> {
            loginTried.set(true);
            return true;
        });

        HostKeys.fetch(ssh.passwordTarget(dir.resolve("known_hosts")));

        assertThat(loginTried).isFalse();
    }

    @Test
    void theCommandsExitCodeAndOutputComeBack() throws Exception {
        ssh = StandbySsh.start();
        SshTarget t = ssh.passwordTarget(ssh.trustedKnownHosts(dir));

        RemoteCommand.Result ok = RemoteCommand.run(t, "echo imported; echo 'a warning' >&2", Duration.ofSeconds(20));
        RemoteCommand.Result failed = RemoteCommand.run(t, "echo 'wrong version' >&2; exit 3", Duration.ofSeconds(20));

        assertThat(ok.exitCode()).isZero();
        assertThat(ok.succeeded()).isTrue();
        assertThat(ok.stdout()).isEqualTo("imported\n");
        assertThat(ok.stderr()).isEqualTo("a warning\n");
        assertThat(failed.exitCode()).isEqualTo(3);
        assertThat(failed.succeeded()).isFalse();
        assertThat(failed.stderr()).isEqualTo("wrong version\n");
    }

    @Test
    void aCommandPastItsTimeoutIsAnError() throws Exception {
        ssh = StandbySsh.start();
        SshTarget t = ssh.passwordTarget(ssh.trustedKnownHosts(dir));

        assertThatThrownBy(() -> RemoteCommand.run(t, "sleep 60", Duration.ofMillis(300)))
                .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.step()).isEqualTo(Step.COMMAND))
                .hasMessageContaining("did not finish within 300 ms")
                .hasMessageContaining("sleep 60");
    }

    @Test
    void aServerThatIsNotThereIsAConnectError() throws Exception {
        ssh = StandbySsh.start();
        SshTarget t = ssh.passwordTarget(ssh.trustedKnownHosts(dir));
        ssh.close();
        ssh = null;

        assertThatThrownBy(() -> RemoteCommand.run(t, "true", Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.step()).isEqualTo(Step.CONNECT))
                .hasMessageContaining("cannot connect to ssh 127.0.0.1:" + t.port());
    }

    @Test
    void anUploadCutOffMidwayLeavesThePreviousBackupAndNoPartialFile() throws Exception {
        AtomicBoolean cut = new AtomicBoolean();
        SftpEventListener cutter = new SftpEventListener() {
            @Override
            public void writing(ServerSession session, String remoteHandle, FileHandle localHandle, long offset,
                    byte[] data, int dataOffset, int dataLen) throws IOException {
                if (offset >= 1024 * 1024 && cut.compareAndSet(false, true)) {
                    session.close(true); // the standby goes away in the middle of the upload
                    throw new IOException("connection cut");
                }
            }
        };
        ssh = StandbySsh.start(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256), StandbySsh.shell(), cutter);
        Path remote = Files.createDirectories(dir.resolve("standby"));
        Files.writeString(remote.resolve("full.tar"), "the previous backup");
        Path local = randomFile(dir.resolve("full.tar"), 4 * 1024 * 1024);

        assertThatThrownBy(() -> Transfer.upload(ssh.passwordTarget(ssh.trustedKnownHosts(dir)), local,
                remote.toString(), "full.tar"))
                .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.step()).isEqualTo(Step.UPLOAD))
                .hasMessageContaining("upload of " + local + " to 127.0.0.1:" + ssh.port());

        assertThat(cut).isTrue();
        assertThat(remote.resolve("full.tar")).hasContent("the previous backup");
        assertThat(remote.resolve(".full.tar.part")).doesNotExist();
    }

    @Test
    void aRemovalThatFailsOverTheCutSessionIsTriedAgainOverANewOne() throws Exception {
        // the server cuts the upload off, and the session still looks open to the client when it tries
        // to remove the partial file over it (the close has not reached the client yet): the removal
        // fails there and must be tried over a new session, not given up
        AtomicBoolean cut = new AtomicBoolean();
        AtomicBoolean firstRemoval = new AtomicBoolean(true);
        SftpEventListener cutter = new SftpEventListener() {
            @Override
            public void writing(ServerSession session, String remoteHandle, FileHandle localHandle, long offset,
                    byte[] data, int dataOffset, int dataLen) throws IOException {
                if (offset >= 256 * 1024 && cut.compareAndSet(false, true)) {
                    throw new IOException("disk gone");
                }
            }

            @Override
            public void removing(ServerSession session, Path path, boolean isDirectory) throws IOException {
                if (firstRemoval.getAndSet(false)) {
                    throw new IOException("broken pipe");
                }
            }
        };
        ssh = StandbySsh.start(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256), StandbySsh.shell(), cutter);
        Path remote = Files.createDirectories(dir.resolve("standby"));
        Files.writeString(remote.resolve("full.tar"), "the previous backup");
        Path local = randomFile(dir.resolve("full.tar"), 1024 * 1024);

        assertThatThrownBy(() -> Transfer.upload(ssh.passwordTarget(ssh.trustedKnownHosts(dir)), local,
                remote.toString(), "full.tar"))
                .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.step()).isEqualTo(Step.UPLOAD))
                .hasMessageNotContaining("could not be removed");

        assertThat(cut).isTrue();
        assertThat(firstRemoval).isFalse();
        assertThat(remote.resolve("full.tar")).hasContent("the previous backup");
        assertThat(remote.resolve(".full.tar.part")).doesNotExist();
    }

    @Test
    void aCorruptUploadIsNotRenamedAndNamesBothHashes() throws Exception {
        String bogus = "0".repeat(64);
        CommandFactory lyingSha256sum = (channel, command) -> {
            String cmd = command.contains("sha256") ? "echo '" + bogus + "  file'" : command;
            return new ProcessShellFactory(cmd, "/bin/sh", "-c", cmd).createShell(channel);
        };
        ssh = StandbySsh.start(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256), lyingSha256sum, null);
        Path remote = Files.createDirectories(dir.resolve("standby"));
        Files.writeString(remote.resolve("full.tar"), "the previous backup");
        Path local = randomFile(dir.resolve("full.tar"), 100_000);

        assertThatThrownBy(() -> Transfer.upload(ssh.passwordTarget(ssh.trustedKnownHosts(dir)), local,
                remote.toString(), "full.tar"))
                .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.step()).isEqualTo(Step.VERIFY))
                .hasMessageContaining("is corrupt")
                .hasMessageContaining(bogus + " on the server, " + sha256(local) + " sent");

        assertThat(remote.resolve("full.tar")).hasContent("the previous backup");
        assertThat(remote.resolve(".full.tar.part")).doesNotExist();
    }

    @Test
    void aChecksumCommandThatFailsOnTheServerIsAVerifyError() throws Exception {
        CommandFactory noSha256sum = (channel, command) -> {
            String cmd = command.contains("sha256") ? "echo 'sha256sum: not found' >&2; exit 127" : command;
            return new ProcessShellFactory(cmd, "/bin/sh", "-c", cmd).createShell(channel);
        };
        ssh = StandbySsh.start(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256), noSha256sum, null);
        Path local = randomFile(dir.resolve("full.tar"), 1000);

        assertThatThrownBy(() -> Transfer.upload(ssh.passwordTarget(ssh.trustedKnownHosts(dir)), local,
                dir.resolve("standby").toString(), "full.tar"))
                .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.step()).isEqualTo(Step.VERIFY))
                .hasMessageContaining("failed (exit 127): sha256sum: not found");
        assertThat(dir.resolve("standby/full.tar")).doesNotExist();
        assertThat(dir.resolve("standby/.full.tar.part")).doesNotExist();
    }

    @Test
    void coreutilsSha256sumChecksWhenTheServerHasNoOpenssl() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("sha256sum"), Path.of("/usr/bin/sha256sum"));
        CommandFactory withoutOpenssl = (channel, command) -> {
            String cmd = "PATH=" + bin + "; " + command;
            return new ProcessShellFactory(cmd, "/bin/sh", "-c", cmd).createShell(channel);
        };
        ssh = StandbySsh.start(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256), withoutOpenssl, null);
        Path local = randomFile(dir.resolve("full.tar"), 70_000);

        TransferReport r = Transfer.upload(ssh.passwordTarget(ssh.trustedKnownHosts(dir)), local,
                dir.resolve("standby").toString(), "full.tar");

        assertThat(r.sha256Hex()).isEqualTo(sha256(local));
        assertThat(Files.mismatch(local, dir.resolve("standby/full.tar"))).isEqualTo(-1L);
    }

    @Test
    void aMissingLocalFileFailsBeforeConnecting() throws Exception {
        SshTarget t = SshTarget.ofPassword("127.0.0.1", "x", dir.resolve("kh")).withPort(1);

        assertThatThrownBy(() -> Transfer.upload(t, dir.resolve("nope.tar"), "/tmp", "nope.tar"))
                .isInstanceOfSatisfying(TransferException.class, e -> assertThat(e.step()).isEqualTo(Step.LOCAL))
                .hasMessageContaining("nope.tar: not a readable file");
    }

    @Test
    void sha256sumOutputIsParsed() {
        String h = "a".repeat(64);
        assertThat(Transfer.parseSha256sum(h + "  /x/.f.part\n")).isEqualTo(h);
        assertThat(Transfer.parseSha256sum("\\" + h + "  /x/a\\nb\n")).isEqualTo(h);
        assertThat(Transfer.parseSha256sum("sha256sum: /x: No such file")).isNull();
        assertThat(Transfer.parseSha256sum(h + " */x/.f.part\n")).as("openssl dgst -r").isEqualTo(h);
        assertThat(Transfer.shellQuote("/a b/it's")).isEqualTo("'/a b/it'\\''s'");
        assertThat(Transfer.checksumCommand("-x/a")).isEqualTo("read -r go && [ \"$go\" = check ] && "
                + "{ openssl dgst -sha256 -r './-x/a' 2>/dev/null || sha256sum './-x/a'; }");
    }

    static Path randomFile(Path file, int size) throws IOException {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        Files.copy(new ByteArrayInputStream(b), file);
        return file;
    }

    static String sha256(Path file) throws IOException, GeneralSecurityException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0;) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
