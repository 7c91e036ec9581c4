package tandem.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import tandem.transfer.TransferException.Step;

/**
 * One logged-in SSH session to a target, with its own client: connect, key exchange with the
 * host-key check, login. Each failure becomes a {@link TransferException} naming its step. Closing
 * it closes the session and stops the client's threads.
 */
final class Connection implements AutoCloseable {
    /**
     * AES-GCM first: the JDK runs it on the CPU's AES and carry-less multiply instructions, several
     * times faster than its ChaCha20-Poly1305, which OpenSSH clients prefer; every OpenSSH server
     * since 6.2 offers both. The rest of MINA's defaults stay as fallbacks.
     */
    private static final List<NamedFactory<Cipher>> CIPHERS = ciphers();

    private final SshClient client;
    private final ClientSession session;
    private final SshTarget target;

    private Connection(SshClient client, ClientSession session, SshTarget target) {
        this.client = client;
        this.session = session;
        this.target = target;
    }

    /** Connects and logs in, checking the host key against the target's known_hosts file. */
    static Connection open(SshTarget target) {
        return open(target, new HostKeyCheck(target, KnownHosts.load(target.knownHosts())));
    }

    static Connection open(SshTarget target, HostKeyCheck check) {
        KeyPair key = target.privateKey() == null ? null : loadKey(target.privateKey());
        SshClient client = newClient(check);
        ClientSession session = null;
        try {
            client.start();
            String address = target.address();
            try {
                session = client.connect(target.user(), target.host(), target.port())
                        .verify(target.timeout()).getSession();
            } catch (IOException e) {
                throw new TransferException(Step.CONNECT, "cannot connect to ssh " + address + ": " + reason(e), e);
            }
            if (key != null) {
                session.addPublicKeyIdentity(key);
            } else {
                session.addPasswordIdentity(target.password());
            }
            try {
                session.auth().verify(target.timeout());
            } catch (IOException e) {
                if (check.refusal() != null) {
                    throw new TransferException(Step.HOST_KEY, check.refusal(), e);
                }
                if (session.getServerKey() == null) {
                    throw new TransferException(Step.CONNECT, "ssh handshake with " + address + " failed: " + reason(e), e);
                }
                throw new TransferException(Step.AUTH, "login as " + target.user() + "@" + address + " with "
                        + (key != null ? "the key " + target.privateKey() : "the password") + " refused: " + reason(e), e);
            }
            Connection c = new Connection(client, session, target);
            session = null;
            return c;
        } catch (RuntimeException e) {
            closeQuietly(session, client);
            throw e;
        }
    }

    ClientSession session() {
        return session;
    }

    SshTarget target() {
        return target;
    }

    @Override
    public void close() {
        closeQuietly(session, client);
    }

    static SshClient newClient(HostKeyCheck check) {
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(check);
        client.setCipherFactories(CIPHERS);
        // no key from ~/.ssh or an agent: exactly the identity the target names, nothing else is tried
        client.setKeyIdentityProvider(s -> List.of());
        return client;
    }

    private static KeyPair loadKey(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()), in,
                    FilePasswordProvider.EMPTY);
            Iterator<KeyPair> it = pairs == null ? null : pairs.iterator();
            if (it == null || !it.hasNext()) {
                throw new TransferException(Step.LOCAL, "private key file " + file + " holds no key");
            }
            return it.next();
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new TransferException(Step.LOCAL, "cannot read the private key file " + file
                    + " (an ed25519 or rsa key in OpenSSH format without a passphrase): " + reason(e), e);
        }
    }

    static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null || t.getMessage().isBlank())) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    private static void closeQuietly(ClientSession session, SshClient client) {
        if (session != null) {
            session.close(true);
        }
        client.stop();
    }

    private static List<NamedFactory<Cipher>> ciphers() {
        List<NamedFactory<Cipher>> out = new ArrayList<>();
        for (BuiltinCiphers c : List.of(BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm, BuiltinCiphers.aes128ctr,
                BuiltinCiphers.aes192ctr, BuiltinCiphers.aes256ctr, BuiltinCiphers.cc20p1305_openssh)) {
            if (c.isSupported()) {
                out.add(c);
            }
        }
        return out;
    }
}
