package tandem.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.password.PasswordAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.server.shell.ProcessShellFactory;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import tandem.transfer.HostKeys;

/**
 * The standby's SSH server in {@code tandem demo redundancy}: Apache MINA SSHD in the demo's own process,
 * on 127.0.0.1 (a free port), standing in for the OpenSSH {@code sshd} of a real standby, so the demo
 * needs no root and no sshd. Like OpenSSH it offers SFTP version 3 on the real file system (paths are
 * the machine's own, the demo's under its folder) and runs exec requests with {@code /bin/sh -c}; it
 * lets in {@code root} with a password chosen at random for each demo.
 *
 * <p>Its ed25519 host key is new for each demo and recorded in the active's known_hosts before the active
 * starts, as an operator does with {@code tandem command trust-standby-key}. With {@code refuseFirst}
 * every login on its first connection is refused, so the demo shows a failed transfer attempt and the
 * retry after it (RED-4).
 */
public final class DemoStandbySsh implements AutoCloseable {
    /** The user the active logs in as, the manual's default (RED-6). */
    public static final String USER = "root";

    private final SshServer server;
    private final KeyPair hostKey;
    private final String password;
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger logins = new AtomicInteger();
    private final Set<Session> loggedIn = ConcurrentHashMap.newKeySet();
    private volatile Session first;

    private DemoStandbySsh(SshServer server, KeyPair hostKey, String password) {
        this.server = server;
        this.hostKey = hostKey;
        this.password = password;
    }

    /**
     * Starts the server, writes its password to {@code passwordFile} (mode 0600, for the active's
     * {@code ${file:...}}) and records its host key in {@code knownHosts}.
     *
     * @param refuseFirst refuse every login on the first connection (one failed attempt)
     * @param events      told of each refused and each accepted login, in a sentence
     */
    public static DemoStandbySsh start(Path passwordFile, Path knownHosts, boolean refuseFirst, Consumer<String> events)
            throws IOException {
        KeyPair hostKey;
        try {
            hostKey = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot create the demo standby's ed25519 host key: " + e.getMessage(), e);
        }
        String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        writePrivate(passwordFile, password + "\n");

        SshServer server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        DemoStandbySsh ssh = new DemoStandbySsh(server, hostKey, password);
        server.setPasswordAuthenticator(ssh.authenticator(refuseFirst, events));
        // a password prompt answers no differently from the password itself, so one switch covers both
        server.setKeyboardInteractiveAuthenticator(null);
        // OpenSSH's sftp-server speaks version 3 (no rename onto an existing file)
        SftpModuleProperties.SFTP_VERSION.set(server, 3);
        server.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        server.setCommandFactory((channel, command) ->
                new ProcessShellFactory(command, "/bin/sh", "-c", command).createShell(channel));
        server.start();
        HostKeys.record(knownHosts, "127.0.0.1", server.getPort(), hostKey.getPublic());
        return ssh;
    }

    private PasswordAuthenticator authenticator(boolean refuseFirst, Consumer<String> events) {
        return (user, pw, session) -> {
            boolean right = USER.equals(user) && password.equals(pw);
            if (right && refuseFirst && firstConnection(session)) {
                refused.incrementAndGet();
                events.accept("the standby's SSH refused the login of " + user + " from "
                        + address(session) + " (the demo's one failed attempt)");
                return false;
            }
            if (right) {
                if (loggedIn.add(session)) {
                    logins.incrementAndGet();
                    events.accept("the standby's SSH let " + user + " in from " + address(session));
                }
            } else {
                refused.incrementAndGet();
                events.accept("the standby's SSH refused a wrong login (" + user + ") from " + address(session));
            }
            return right;
        };
    }

    private synchronized boolean firstConnection(ServerSession session) {
        if (first == null) {
            first = session;
        }
        return first == session;
    }

    private static String address(ServerSession session) {
        return String.valueOf(session.getClientAddress()).replaceFirst("^/", "");
    }

    private static void writePrivate(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    public int port() {
        return server.getPort();
    }

    /** The host key's SHA-256 fingerprint, as {@code ssh-keygen -l} shows it. */
    public String fingerprint() {
        return HostKeys.fingerprint(hostKey.getPublic());
    }

    /** Logins refused so far (the first connection's, and any with a wrong password). */
    public int refused() {
        return refused.get();
    }

    /** Connections that logged in so far. */
    public int logins() {
        return logins.get();
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }
}
