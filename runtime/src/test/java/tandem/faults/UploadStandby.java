package tandem.faults;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.server.shell.ProcessShellFactory;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import tandem.transfer.HostKeys;

/**
 * The standby's SSH server for the upload faults: Apache MINA SSHD in this process on 127.0.0.1, SFTP
 * version 3 on the real file system (like OpenSSH's sftp-server), exec requests run by {@code /bin/sh -c}
 * (so the active's {@code sha256sum} check and its import command really run), password login for
 * {@code root}/{@link #PASSWORD}. Writes to a hidden {@code .NAME.part} file are throttled to
 * {@code bytesPerSecond}, so that an upload of a few MiB is in flight long enough to be cut.
 *
 * <p>{@link #cut()} makes the server go away as a crashed or stopped sshd does: every session is closed
 * at once and the port no longer accepts connections. {@link #restore()} brings it back on the same port
 * with the same host key (the active's known_hosts stays valid).
 */
final class UploadStandby implements AutoCloseable {
    static final String PASSWORD = "upload-fault-secret";
    /** How long {@link #restore()} keeps trying to bind the old port (a closing acceptor may still hold it). */
    private static final Duration REBIND = Duration.ofSeconds(5);

    private final KeyPair hostKey;
    private final long bytesPerSecond;
    private final AtomicInteger sessions = new AtomicInteger();
    private volatile SshServer server;
    private int port;

    private UploadStandby(KeyPair hostKey, long bytesPerSecond) {
        this.hostKey = hostKey;
        this.bytesPerSecond = bytesPerSecond;
    }

    /** A server on a free port of 127.0.0.1 with a new ed25519 host key. */
    static UploadStandby start(long bytesPerSecond) throws IOException, GeneralSecurityException {
        UploadStandby s = new UploadStandby(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256), bytesPerSecond);
        s.server = s.serve(0);
        s.port = s.server.getPort();
        return s;
    }

    private SshServer serve(int onPort) throws IOException {
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(onPort);
        sshd.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        sshd.setPasswordAuthenticator((user, password, session) -> "root".equals(user) && PASSWORD.equals(password));
        sshd.addSessionListener(new org.apache.sshd.common.session.SessionListener() {
            @Override
            public void sessionCreated(org.apache.sshd.common.session.Session session) {
                sessions.incrementAndGet();
            }
        });
        // OpenSSH's sftp-server speaks version 3, where a rename onto an existing file fails
        SftpModuleProperties.SFTP_VERSION.set(sshd, 3);
        SftpSubsystemFactory sftp = new SftpSubsystemFactory();
        sftp.addSftpEventListener(new SftpEventListener() {
            @Override
            public void writing(ServerSession session, String remoteHandle, FileHandle localHandle, long offset,
                    byte[] data, int dataOffset, int dataLen) {
                if (localHandle.getFile().getFileName().toString().endsWith(".part")) {
                    // a slow disk or link: each write takes its share of a second; a closed session ends it early
                    long nanos = TimeUnit.SECONDS.toNanos(1) * dataLen / bytesPerSecond;
                    long end = System.nanoTime() + nanos;
                    for (int i = 0; i < 100 && System.nanoTime() < end && session.isOpen(); i++) {
                        LockSupport.parkNanos(Math.min(end - System.nanoTime(), 20_000_000L));
                    }
                }
            }
        });
        sshd.setSubsystemFactories(List.of(sftp));
        sshd.setCommandFactory((channel, command) -> new ProcessShellFactory(command, "/bin/sh", "-c", command)
                .createShell(channel));
        sshd.start();
        return sshd;
    }

    int port() {
        return port;
    }

    boolean up() {
        return server != null;
    }

    /** SSH sessions opened so far, over every start of the server. */
    int sessions() {
        return sessions.get();
    }

    /** A known_hosts file {@code file} that trusts this server's host key. */
    void trustIn(Path file) {
        HostKeys.record(file, "127.0.0.1", port, hostKey.getPublic());
    }

    /** The server goes away: every session closed at once, the acceptor closed. */
    synchronized void cut() throws IOException {
        SshServer s = server;
        server = null;
        if (s != null) {
            s.stop(true);
        }
    }

    /** The server is back on its port with its host key; an IOException when the port cannot be bound within 5 s. */
    synchronized void restore() throws IOException {
        if (server != null) {
            return;
        }
        long end = System.nanoTime() + REBIND.toNanos();
        IOException last = null;
        for (int i = 0; i < 100 && System.nanoTime() < end; i++) {
            try {
                server = serve(port);
                return;
            } catch (BindException e) {
                last = e;
            } catch (IOException e) {
                if (!(e.getCause() instanceof BindException)) {
                    throw e;
                }
                last = e;
            }
            LockSupport.parkNanos(50_000_000L);
        }
        throw new IOException("the standby's SSH server cannot listen on 127.0.0.1:" + port + " again", last);
    }

    @Override
    public synchronized void close() throws IOException {
        cut();
    }
}
