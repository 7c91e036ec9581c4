package tandem.transfer;

import java.net.SocketAddress;
import java.security.PublicKey;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * Accepts the server's host key only when the known_hosts file holds exactly that key for the
 * target's {@code host:port}, like OpenSSH with {@code StrictHostKeyChecking yes}: an unknown key, a
 * changed key (the host is known, but with another key) and a revoked key are all refused, and
 * {@link #refusal()} then says which, with the fingerprints an operator needs to decide. Nothing is
 * ever added to the file here; trusting a key is an operator's act ({@link HostKeys#record}).
 *
 * <p>Our own check rather than camel-ssh's, which handles only RSA and DSA host keys; MINA's
 * {@code KnownHostsServerKeyVerifier} would do, but cannot tell the error messages below apart.
 */
final class HostKeyCheck implements ServerKeyVerifier {
    static final String TRUST_COMMAND = "tandem command trust-standby-key";

    private final SshTarget target;
    private final KnownHosts known;
    private volatile String refusal;
    private volatile PublicKey presented;

    HostKeyCheck(SshTarget target, KnownHosts known) {
        this.target = target;
        this.known = known;
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
        presented = serverKey;
        String verdict = judge(known, target.host(), target.port(), serverKey);
        refusal = verdict;
        return verdict == null;
    }

    /** Why the key was refused, or {@code null} when it was accepted or not yet seen. */
    String refusal() {
        return refusal;
    }

    /** The key the server presented, or {@code null} before the key exchange got that far. */
    PublicKey presented() {
        return presented;
    }

    /** {@code null} when {@code key} is known for the host, otherwise the sentence that refuses it. */
    static String judge(KnownHosts known, String host, int port, PublicKey key) {
        String address = host + ":" + port;
        String type = KeyUtils.getKeyType(key);
        String fp = KnownHosts.fingerprint(key);
        List<KnownHosts.Entry> entries = known.forHost(host, port);
        for (KnownHosts.Entry e : entries) {
            if (e.revoked() && KeyUtils.compareKeys(e.key(), key)) {
                return "host key of " + address + " (" + type + " " + fp + ") is marked @revoked in " + e.where()
                        + "; refused";
            }
        }
        for (KnownHosts.Entry e : entries) {
            if (!e.revoked() && KeyUtils.compareKeys(e.key(), key)) {
                return null;
            }
        }
        List<KnownHosts.Entry> others = entries.stream().filter(e -> !e.revoked()).toList();
        if (others.isEmpty()) {
            return "host key of " + address + " is unknown: the server presents " + type + " " + fp
                    + ", which is not in " + known.file() + ". Compare it with the server's own fingerprint"
                    + " (ssh-keygen -lf /etc/ssh/ssh_host_" + shortType(type) + "_key.pub on it) and trust it with `"
                    + TRUST_COMMAND + "`";
        }
        String old = others.stream().map(e -> e.keyType() + " " + KnownHosts.fingerprint(e.key()) + " (" + e.where() + ")")
                .collect(Collectors.joining(", "));
        return "host key of " + address + " has CHANGED, which may be an attack (someone in between) or a reinstalled"
                + " server: known is " + old + ", the server now presents " + type + " " + fp
                + ". Refused; if the change is expected, compare the new key with the server's own fingerprint and trust it"
                + " with `" + TRUST_COMMAND + "`, which replaces the old one once confirmed";
    }

    private static String shortType(String type) {
        if (type.startsWith("ssh-")) {
            return type.substring(4);
        }
        return type.startsWith("ecdsa") ? "ecdsa" : type;
    }
}
