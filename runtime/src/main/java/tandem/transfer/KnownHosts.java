package tandem.transfer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.digest.BuiltinDigests;

/**
 * A known_hosts file in OpenSSH's format (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"), read whole:
 * {@code [marker] hostpatterns keytype base64-key [comment]} per line, blank lines and {@code #}
 * comments skipped. Host patterns are plain names or addresses, {@code [host]:port} for a port other
 * than 22, with {@code *} and {@code ?} wildcards and {@code !} negation, comma-separated; or one
 * hashed entry {@code |1|base64(salt)|base64(HMAC-SHA1(salt, host))} as written with
 * {@code HashKnownHosts yes}. {@code @revoked} marks a key that must never be accepted;
 * {@code @cert-authority} lines are kept out (host certificates are not used here). A line that is
 * not in this format is an error naming FILE:LINE: a known_hosts file that is read only in part
 * could let an unknown key pass for a known one's absence.
 */
final class KnownHosts {
    /** One key line: where it is, whether it revokes, its host field as written and its key. */
    record Entry(Path file, int line, boolean revoked, String hosts, PublicKey key) {
        String keyType() {
            return KeyUtils.getKeyType(key);
        }

        String where() {
            return file + ":" + line;
        }
    }

    private final Path file;
    private final List<Entry> entries;

    private KnownHosts(Path file, List<Entry> entries) {
        this.file = file;
        this.entries = entries;
    }

    /** The file's entries; a missing file has none (every key is then unknown). */
    static KnownHosts load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new KnownHosts(file, List.of());
        } catch (IOException e) {
            throw new TransferException(TransferException.Step.LOCAL, "cannot read known hosts file " + file + ": " + e);
        }
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Entry e = parse(file, i + 1, lines.get(i));
            if (e != null) {
                out.add(e);
            }
        }
        return new KnownHosts(file, Collections.unmodifiableList(out));
    }

    Path file() {
        return file;
    }

    List<Entry> entries() {
        return entries;
    }

    /** The entries whose host field names {@code host} on {@code port}, in file order. */
    List<Entry> forHost(String host, int port) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (matches(e.hosts(), host, port)) {
                out.add(e);
            }
        }
        return out;
    }

    /** How OpenSSH names a host in known_hosts: the bare host on port 22, {@code [host]:port} otherwise. */
    static String hostName(String host, int port) {
        return port == 22 ? host : "[" + host + "]:" + port;
    }

    /** Parses one line; {@code null} for a blank line, a comment or a {@code @cert-authority} line. */
    static Entry parse(Path file, int lineNo, String line) {
        String s = line.strip();
        if (s.isEmpty() || s.startsWith("#")) {
            return null;
        }
        String[] f = s.split("[ \t]+", 5);
        int i = 0;
        boolean revoked = false;
        if (f[0].startsWith("@")) {
            switch (f[0]) {
                case "@revoked" -> revoked = true;
                case "@cert-authority" -> {
                    return null;
                }
                default -> throw malformed(file, lineNo, "unknown marker '" + f[0] + "' (only @revoked and @cert-authority)");
            }
            i = 1;
        }
        if (f.length < i + 3) {
            throw malformed(file, lineNo, "expected 'hosts keytype base64-key [comment]', found " + (f.length - i) + " field(s)");
        }
        String hosts = f[i];
        String type = f[i + 1];
        String blob = f[i + 2];
        if (hosts.startsWith("|")) {
            hashed(file, lineNo, hosts); // validates the form
        }
        PublicKey key;
        try {
            key = PublicKeyEntry.parsePublicKeyEntry(type + " " + blob)
                    .resolvePublicKey(null, null, PublicKeyEntryResolver.IGNORING);
        } catch (IllegalArgumentException | IOException | GeneralSecurityException e) {
            throw malformed(file, lineNo, "the " + type + " key is not valid: " + e.getMessage());
        }
        if (key == null) {
            // a key type this client does not speak (e.g. a security-key type): it can match no server key
            return null;
        }
        String decoded = KeyUtils.getKeyType(key);
        if (!type.equals(decoded) && !(type.startsWith("ssh-rsa") && "ssh-rsa".equals(decoded))) {
            throw malformed(file, lineNo, "the key type field says " + type + " but the key is " + decoded);
        }
        return new Entry(file, lineNo, revoked, hosts, key);
    }

    private static TransferException malformed(Path file, int line, String message) {
        return new TransferException(TransferException.Step.LOCAL, file + ":" + line + ": " + message);
    }

    /** The salt and hash of a {@code |1|salt|hash} host field. */
    private static byte[][] hashed(Path file, int line, String field) {
        String[] p = field.split("\\|", -1);
        if (p.length != 4 || !p[0].isEmpty() || !"1".equals(p[1])) {
            throw malformed(file, line, "hashed host '" + field + "' is not |1|salt|hash");
        }
        try {
            byte[] salt = Base64.getDecoder().decode(p[2]);
            byte[] hash = Base64.getDecoder().decode(p[3]);
            if (salt.length != 20 || hash.length != 20) {
                throw malformed(file, line, "hashed host '" + field + "': salt and hash must be 20 bytes each (HMAC-SHA1)");
            }
            return new byte[][] {salt, hash};
        } catch (IllegalArgumentException e) {
            throw malformed(file, line, "hashed host '" + field + "' is not valid base64: " + e.getMessage());
        }
    }

    /** Whether a host field (hashed, or a pattern list) names {@code host} on {@code port}. */
    static boolean matches(String hostsField, String host, int port) {
        String name = hostName(host, port).toLowerCase(Locale.ROOT);
        if (hostsField.startsWith("|")) {
            byte[][] sh = hashed(Path.of("?"), 0, hostsField);
            return MessageDigest.isEqual(hmacSha1(sh[0], name), sh[1]);
        }
        boolean positive = false;
        for (String pattern : hostsField.split(",")) {
            boolean negated = pattern.startsWith("!");
            String p = (negated ? pattern.substring(1) : pattern).toLowerCase(Locale.ROOT);
            if (glob(p, 0, name, 0)) {
                if (negated) {
                    return false;
                }
                positive = true;
            }
        }
        return positive;
    }

    /** A hashed host field for {@code host} on {@code port} with the given 20-byte salt. */
    static String hashedName(String host, int port, byte[] salt) {
        Base64.Encoder b64 = Base64.getEncoder();
        return "|1|" + b64.encodeToString(salt) + "|"
                + b64.encodeToString(hmacSha1(salt, hostName(host, port).toLowerCase(Locale.ROOT)));
    }

    private static byte[] hmacSha1(byte[] salt, String name) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(salt, "HmacSHA1"));
            return mac.doFinal(name.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
    }

    /** OpenSSH's match_pattern: {@code *} any run, {@code ?} any one character. */
    private static boolean glob(String p, int pi, String s, int si) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*') {
                for (int k = si; k <= s.length(); k++) {
                    if (glob(p, pi + 1, s, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (si >= s.length() || (c != '?' && c != s.charAt(si))) {
                return false;
            }
            pi++;
            si++;
        }
        return si == s.length();
    }

    /** OpenSSH's fingerprint of a key: {@code SHA256:} and the unpadded base64 of the key blob's SHA-256. */
    static String fingerprint(PublicKey key) {
        return KeyUtils.getFingerPrint(BuiltinDigests.sha256, key);
    }
}
