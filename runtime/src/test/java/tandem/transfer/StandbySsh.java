package tandem.transfer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.command.CommandFactory;
import org.apache.sshd.server.shell.ProcessShellFactory;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * A real SSH server in this process on 127.0.0.1, standing in for a standby's OpenSSH: SFTP on the
 * real file system (paths are the machine's own, so a test's @TempDir is where files land), exec
 * commands run by {@code /bin/sh -c} (so {@code sha256sum} really runs), password login for
 * {@code root}/{@link #PASSWORD} and key login for the keys in {@link #authorizedKeys}.
 */
final class StandbySsh implements AutoCloseable {
    static final String PASSWORD = "standby-secret";

    final SshServer server;
    final KeyPair hostKey;
    final Set<PublicKey> authorizedKeys = new CopyOnWriteArraySet<>();

    private StandbySsh(SshServer server, KeyPair hostKey) {
        this.server = server;
        this.hostKey = hostKey;
    }

    /** A server with an ed25519 host key and the real shell behind exec. */
    static StandbySsh start() throws IOException, GeneralSecurityException {
        return start(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256), shell(), null);
    }

    static StandbySsh start(KeyPair hostKey, CommandFactory commands, SftpEventListener sftpListener)
            throws IOException {
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        StandbySsh s = new StandbySsh(server, hostKey);
        server.setPasswordAuthenticator((user, password, session) -> "root".equals(user) && PASSWORD.equals(password));
        server.setPublickeyAuthenticator((user, key, session) -> "root".equals(user)
                && s.authorizedKeys.stream().anyMatch(k -> KeyUtils.compareKeys(k, key)));
        // OpenSSH's sftp-server speaks version 3, where a rename onto an existing file fails
        SftpModuleProperties.SFTP_VERSION.set(server, 3);
        SftpSubsystemFactory sftp = new SftpSubsystemFactory();
        if (sftpListener != null) {
            sftp.addSftpEventListener(sftpListener);
        }
        server.setSubsystemFactories(List.of(sftp));
        server.setCommandFactory(commands);
        server.start();
        return s;
    }

    /** Runs each exec request as {@code /bin/sh -c COMMAND}, like OpenSSH's sshd with a POSIX login shell. */
    static CommandFactory shell() {
        return (channel, command) -> new ProcessShellFactory(command, "/bin/sh", "-c", command).createShell(channel);
    }

    int port() {
        return server.getPort();
    }

    SshTarget passwordTarget(Path knownHosts) {
        return SshTarget.ofPassword("127.0.0.1", PASSWORD, knownHosts).withPort(port());
    }

    SshTarget keyTarget(Path privateKey, Path knownHosts) {
        return SshTarget.ofKey("127.0.0.1", privateKey, knownHosts).withPort(port());
    }

    /** A known_hosts file that trusts this server's host key. */
    Path trustedKnownHosts(Path dir) throws IOException {
        Path kh = dir.resolve("known_hosts");
        HostKeys.record(kh, "127.0.0.1", port(), hostKey.getPublic());
        return kh;
    }

    /** A new client key pair of {@code type}, authorized here, written to {@code file} in OpenSSH format. */
    Path authorizeNewKey(String type, int bits, Path file) throws IOException, GeneralSecurityException {
        KeyPair kp = KeyUtils.generateKeyPair(type, bits);
        try (OutputStream out = Files.newOutputStream(file)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(kp, "test key", null, out);
        }
        authorizedKeys.add(kp.getPublic());
        return file;
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }
}
