package tandem.transfer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import tandem.AtomicFiles;
import tandem.transfer.TransferException.Step;

/**
 * What {@code tandem command trust-standby-key} needs of a server's host key: the key it presents,
 * with what the known_hosts file says of it ({@link #observe}), and, once the operator confirmed it,
 * making it the one key trusted for the server ({@link #trust}). Whether to trust is not decided here:
 * the rules compare the operator's confirmation with the observation.
 */
public final class HostKeyTrust {
    private HostKeyTrust() {
    }

    /** What the known_hosts file says of the key a server presents. */
    public enum Status {
        /** The file holds this key for the server: connections accept it. */
        KNOWN,
        /** The file holds no key for the server. */
        UNKNOWN,
        /** The file holds other keys for the server, not this one: the key has changed. */
        CHANGED,
        /** The file marks this key {@code @revoked}: it must never be accepted. */
        REVOKED;

        /** As the rules read it: {@code known}, {@code unknown}, {@code changed}, {@code revoked}. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The host key a server presented and what the known_hosts file says of it.
     *
     * @param address     {@code host:port}
     * @param key         the key
     * @param keyType     its SSH type, like {@code ssh-ed25519}
     * @param fingerprint OpenSSH's {@code SHA256:...} fingerprint
     * @param status      what the file says of it
     * @param others      the other keys the file holds for the server, each {@code TYPE SHA256:... (FILE:LINE)}
     *                    ({@code @revoked} ones left out); empty unless the key has changed
     * @param knownHosts  the file
     */
    public record Observed(String address, PublicKey key, String keyType, String fingerprint, Status status,
            List<String> others, Path knownHosts) {
        public Observed {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(status, "status");
            others = List.copyOf(others);
        }
    }

    /**
     * Connects to {@code target} as far as the key exchange ({@link HostKeys#fetch}: no login) and reads
     * its known_hosts file.
     *
     * @throws TransferException when the server cannot be reached or the known_hosts file not read
     */
    public static Observed observe(SshTarget target) {
        HostKeys.Presented p = HostKeys.fetch(target);
        KnownHosts known = KnownHosts.load(target.knownHosts());
        List<KnownHosts.Entry> entries = known.forHost(target.host(), target.port());
        Status status;
        if (entries.stream().anyMatch(e -> e.revoked() && KeyUtils.compareKeys(e.key(), p.key()))) {
            status = Status.REVOKED;
        } else if (entries.stream().anyMatch(e -> !e.revoked() && KeyUtils.compareKeys(e.key(), p.key()))) {
            status = Status.KNOWN;
        } else if (entries.stream().anyMatch(e -> !e.revoked())) {
            status = Status.CHANGED;
        } else {
            status = Status.UNKNOWN;
        }
        List<String> others = new ArrayList<>();
        if (status == Status.CHANGED) {
            for (KnownHosts.Entry e : entries) {
                if (!e.revoked()) {
                    others.add(e.keyType() + " " + KnownHosts.fingerprint(e.key()) + " (" + e.where() + ")");
                }
            }
        }
        return new Observed(p.address(), p.key(), p.keyType(), p.fingerprint(), status, others, known.file());
    }

    /**
     * Makes {@code key} the key trusted for {@code host} on {@code port}: the lines that hold another
     * key for that server alone (its name, {@code [host]:port}, or a hashed entry of it) are dropped, the
     * key's line is added ({@link HostKeys#record}'s form), every other line stays as it is. The file is
     * replaced in one rename (a crash leaves the old file or the new one); a missing file is created
     * with mode 0600, an existing one keeps its mode. {@code @revoked} lines are never dropped, so a
     * revoked key stays refused.
     *
     * @throws TransferException (step LOCAL) when a line holding another key for the server names other
     *                           hosts too (a pattern or a list): dropping it would untrust them, so it is
     *                           left for the operator to edit; or when the file cannot be read or written
     */
    public static void trust(Path knownHostsFile, String host, int port, PublicKey key) {
        KnownHosts known = KnownHosts.load(knownHostsFile);
        String name = KnownHosts.hostName(host, port);
        List<Integer> drop = new ArrayList<>();
        boolean present = false;
        for (KnownHosts.Entry e : known.forHost(host, port)) {
            if (e.revoked()) {
                continue;
            }
            if (KeyUtils.compareKeys(e.key(), key)) {
                present = true;
            } else if (e.hosts().equals(name) || e.hosts().startsWith("|")) {
                drop.add(e.line());
            } else {
                throw new TransferException(Step.LOCAL, e.where() + " holds another key (" + e.keyType() + " "
                        + KnownHosts.fingerprint(e.key()) + ") for " + host + ":" + port + " on a line that names"
                        + " other hosts too (\"" + e.hosts() + "\"): remove " + host + " from it by hand, then trust"
                        + " the key again");
            }
        }
        if (present && drop.isEmpty()) {
            return;
        }
        Path file = knownHostsFile.toAbsolutePath();
        try {
            List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < lines.size(); i++) {
                if (!drop.contains(i + 1)) {
                    out.append(lines.get(i)).append('\n');
                }
            }
            if (!present) {
                out.append(name).append(' ').append(PublicKeyEntry.toString(key)).append('\n');
            }
            boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
            Set<PosixFilePermission> mode = !posix ? null
                    : Files.exists(file) ? Files.getPosixFilePermissions(file) : PosixFilePermissions.fromString("rw-------");
            AtomicFiles.write(file, out.toString().getBytes(StandardCharsets.UTF_8), mode);
        } catch (IOException e) {
            throw new TransferException(Step.LOCAL, "cannot trust the host key of " + host + ":" + port + " in " + file
                    + ": " + e.getMessage(), e);
        }
    }
}
