package tandem.transfer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.client.session.ClientSession.ClientSessionEvent;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import tandem.AtomicFiles;
import tandem.transfer.TransferException.Step;

/**
 * Trusting a server's host key, the way an operator does it with OpenSSH: look at the key the server
 * presents and its fingerprint ({@link #fetch}), compare it with what the server's console shows,
 * then record it in the known_hosts file ({@link #record}). Nothing here decides to trust; the
 * operator's confirmation does.
 */
public final class HostKeys {
    private HostKeys() {
    }

    /**
     * The host key a server presented.
     *
     * @param address     {@code host:port}
     * @param key         the key
     * @param keyType     its SSH type, like {@code ssh-ed25519}
     * @param fingerprint OpenSSH's {@code SHA256:...} fingerprint
     * @param refusal     {@code null} when the target's known_hosts file already holds this key,
     *                    otherwise why a connection would refuse it (unknown, changed, revoked)
     */
    public record Presented(String address, PublicKey key, String keyType, String fingerprint, String refusal) {
        public boolean trusted() {
            return refusal == null;
        }
    }

    /**
     * Connects to {@code target} only as far as the key exchange, takes the server's host key and
     * hangs up: no login is attempted, no password or key is sent.
     *
     * @throws TransferException (step CONNECT) when the server cannot be reached or shows no key in time
     */
    public static Presented fetch(SshTarget target) {
        KnownHosts known = KnownHosts.load(target.knownHosts());
        AtomicReference<PublicKey> seen = new AtomicReference<>();
        SshClient client = Connection.newClient(new HostKeyCheck(target, known));
        client.setServerKeyVerifier((session, remote, key) -> {
            seen.set(key);
            return false; // ends the key exchange here: fetching is not logging in
        });
        client.start();
        try (ClientSession session = client.connect(target.user(), target.host(), target.port())
                .verify(target.timeout()).getSession()) {
            session.waitFor(EnumSet.of(ClientSessionEvent.CLOSED, ClientSessionEvent.WAIT_AUTH), target.timeout());
        } catch (IOException e) {
            if (seen.get() == null) {
                throw new TransferException(Step.CONNECT, "cannot connect to ssh " + target.address() + ": "
                        + Connection.reason(e), e);
            }
        } finally {
            client.stop();
        }
        PublicKey key = seen.get();
        if (key == null) {
            throw new TransferException(Step.CONNECT, "ssh " + target.address() + " presented no host key within "
                    + target.timeout().toMillis() + " ms");
        }
        return new Presented(target.address(), key, KeyUtils.getKeyType(key), fingerprint(key),
                HostKeyCheck.judge(known, target.host(), target.port(), key));
    }

    /** OpenSSH's fingerprint: {@code SHA256:} and the unpadded base64 of the SHA-256 of the key blob. */
    public static String fingerprint(PublicKey key) {
        return KnownHosts.fingerprint(key);
    }

    /**
     * Adds {@code key} for {@code host} on {@code port} to the known_hosts file ({@code host} on port 22,
     * {@code [host]:port} otherwise, as OpenSSH writes it). The existing lines stay as they are; the
     * file is replaced in one rename, so a crash leaves the old file or the new one. A missing file
     * is created with mode 0600 (and its folder when missing); an existing file keeps its mode. A key
     * already recorded for the host is not added twice. A changed key's old line is not removed here
     * (the host is then trusted with either key); {@link HostKeyTrust#trust} replaces it, as
     * {@code tandem command trust-standby-key} does once an operator confirmed the new key.
     */
    public static void record(Path knownHostsFile, String host, int port, PublicKey key) {
        KnownHosts known = KnownHosts.load(knownHostsFile);
        for (KnownHosts.Entry e : known.forHost(host, port)) {
            if (!e.revoked() && KeyUtils.compareKeys(e.key(), key)) {
                return;
            }
        }
        String line = KnownHosts.hostName(host, port) + " " + PublicKeyEntry.toString(key) + "\n";
        Path file = knownHostsFile.toAbsolutePath();
        Path dir = file.getParent();
        Path tmp = dir.resolve("." + file.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
        try {
            Files.createDirectories(dir);
            byte[] old = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
            boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
            Set<PosixFilePermission> mode = !posix ? null
                    : Files.exists(file) ? Files.getPosixFilePermissions(file) : PosixFilePermissions.fromString("rw-------");
            FileAttribute<?>[] attrs = posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)}
                    : new FileAttribute<?>[0];
            try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    attrs)) {
                ByteBuffer buf = ByteBuffer.allocate(old.length + 1 + line.length() * 4);
                buf.put(old);
                if (old.length > 0 && old[old.length - 1] != '\n') {
                    buf.put((byte) '\n');
                }
                buf.put(line.getBytes(StandardCharsets.UTF_8)).flip();
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (posix) {
                Files.setPosixFilePermissions(tmp, mode); // the umask may have narrowed the creation mode
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            AtomicFiles.fsyncDirectory(dir);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the temporary name is hidden and random; a leftover is harmless
            }
            throw new TransferException(Step.LOCAL, "cannot add the host key of " + host + ":" + port + " to " + file
                    + ": " + e.getMessage(), e);
        }
    }
}
