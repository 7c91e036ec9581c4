package tandem.link;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import tandem.config.NodeConfig;

/**
 * The settings that must be the same on both nodes (MS-9), as short hashes, so that the two nodes
 * can compare them in HELLO without sending the values themselves.
 *
 * <p>Each value is hashed as {@code SHA-256(cluster secret, 0, setting name, 0, value)} and the
 * first 16 hex characters kept. Salting with the cluster secret (which both nodes share, or no frame
 * would authenticate at all) keeps an eavesdropper on a plain link from testing guesses of the
 * console password hash or the license against the fingerprint.
 */
public final class Fingerprint {
    /** Settings compared between the nodes, by the name a mismatch report uses. */
    public static final List<String> SETTINGS = List.of("cluster name", "profile", "tandem version", "vip",
            "console protocol", "console user", "console password hash", "license", "failover timeout",
            "heartbeat interval", "peer link tls");

    private static final int HASH_CHARS = 16;

    private Fingerprint() {
    }

    /** Setting name to short hash, sorted by name. */
    public static SortedMap<String, String> of(NodeConfig config) {
        String salt = config.cluster().secret().reveal();
        SortedMap<String, String> out = new TreeMap<>();
        values(config).forEach((name, value) -> out.put(name, hash(salt, name, value)));
        return out;
    }

    /** The clear values hashed by {@link #of}; package-private so a test can see what is compared. */
    static Map<String, byte[]> values(NodeConfig c) {
        Map<String, byte[]> v = new TreeMap<>();
        v.put("cluster name", utf8(c.cluster().name()));
        v.put("profile", utf8(c.node().profile().yamlName()));
        v.put("tandem version", utf8(Protocol.TANDEM_VERSION));
        // the redundancy profile's standby names the active's own address as its vip (the switchover takes it
        // over), which the active does not configure as one: the two nodes' vip sections differ by design
        v.put("vip", utf8(c.redundancy().isPresent() ? "redundancy: the standby's only"
                : c.vip().map(vip -> vip.address() + "/" + vip.prefixLength()).orElse("none")));
        v.put("console protocol", utf8(c.console().protocol().yamlName()));
        v.put("console user", utf8(c.console().user()));
        v.put("console password hash", utf8(c.console().passwordHash().map(s -> s.reveal()).orElse("none")));
        v.put("license", c.cluster().license().map(Fingerprint::license).orElse(utf8("none")));
        v.put("failover timeout", utf8(Long.toString(c.timings().failoverTimeout().toMillis())));
        v.put("heartbeat interval", utf8(Long.toString(c.timings().heartbeatInterval().toMillis())));
        v.put("peer link tls", utf8(c.peer().tls().isPresent() ? "on" : "off"));
        return v;
    }

    /**
     * The names of the settings that differ between two fingerprints, including those only one of
     * them has (a peer of another Tandem version may compare more or fewer settings).
     */
    public static List<String> differences(Map<String, String> local, Map<String, String> remote) {
        TreeSet<String> names = new TreeSet<>(local.keySet());
        names.addAll(remote.keySet());
        List<String> out = new ArrayList<>();
        for (String name : names) {
            if (!java.util.Objects.equals(local.get(name), remote.get(name))) {
                out.add(name);
            }
        }
        return out;
    }

    private static byte[] license(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            // both nodes see "unreadable" only if both lack the file; otherwise it shows as a difference
            return utf8("unreadable");
        }
    }

    private static String hash(String salt, String name, byte[] value) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(utf8(salt));
            sha.update((byte) 0);
            sha.update(utf8(name));
            sha.update((byte) 0);
            sha.update(value);
            return HexFormat.of().formatHex(sha.digest()).substring(0, HASH_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
