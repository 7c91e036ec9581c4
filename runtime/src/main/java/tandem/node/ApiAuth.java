package tandem.node;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tandem.config.Secret;

/**
 * Who may call a node's HTTP API. Every request carries {@code Authorization: Bearer <token>}, one of:
 * <ul>
 *   <li>a per-user token of the node's {@link ApiTokens} ({@code tandem token create}), for scripts and
 *       monitoring: {@code tdm_<id>_<secret>}, valid until revoked;</li>
 *   <li>a command-line token ({@link #mint}), which {@code tandem status} and {@code tandem command} make for
 *       each request from the cluster secret of the configuration they were given, so that whoever can read
 *       that configuration can operate both nodes: {@code tdc1.<user>.<expiry>.<nonce>.<HMAC-SHA256>}, valid
 *       for {@value #LIFETIME_MS} ms and once. A token seen on the wire is no use for long, nor twice.</li>
 * </ul>
 * The header must be exactly {@code Bearer <token>}, nothing around it.
 */
public final class ApiAuth {
    static final String CLI = "tdc1.";
    private static final String LABEL = "tandem-api-cli-v1\n";
    /** How long a command-line token is valid. */
    public static final long LIFETIME_MS = 60_000;
    /** How far the clocks of the command line's machine and the node may differ. */
    static final long SKEW_MS = 30_000;
    /** At most this many command-line tokens are remembered as used; beyond, new ones are refused until old ones expire. */
    static final int MAX_SEEN = 100_000;
    /**
     * A command-line token's user: no dot, which separates the token's fields (an OS user {@code john.doe}
     * is sent as {@code john_doe}); a leading {@code ~} marks the peer's web console forwarding its user's
     * request ({@link ConsolePeer}), which no OS user name can start with.
     */
    private static final Pattern USER = Pattern.compile("~?[A-Za-z0-9_-]{1,32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Secret secret;
    private final ApiTokens tokens;
    private final LongSupplier clock;
    /** Nonces of the command-line tokens used, with the time each stops being valid, oldest first. */
    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();
    private long lastKept;

    /** @param clock the node's wall clock (epoch ms) */
    public ApiAuth(Secret secret, ApiTokens tokens, LongSupplier clock) {
        this.secret = secret;
        this.tokens = tokens;
        this.clock = clock;
    }

    /**
     * A command-line token for one request by {@code user} (the operating system's user name, for the
     * commands log), valid for {@value #LIFETIME_MS} ms from {@code nowMs}.
     */
    public static String mint(Secret secret, String user, long nowMs) {
        String who = user == null ? "cli" : user.replaceAll("[^~A-Za-z0-9_-]", "_").replaceAll("(?<=.)~", "_");
        if (!USER.matcher(who).matches()) {
            who = "cli";
        }
        byte[] n = new byte[12];
        RANDOM.nextBytes(n);
        String nonce = HexFormat.of().formatHex(n);
        long expiry = nowMs + LIFETIME_MS;
        return CLI + who + "." + expiry + "." + nonce + "." + mac(secret, who, expiry, nonce);
    }

    /**
     * Who {@code authorization} speaks for: a token user's name, or {@code cli:<user>} for a command-line
     * token; empty when it is none of them (missing, malformed, expired, used before, revoked, wrong).
     */
    public Optional<String> user(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return Optional.empty();
        }
        String token = authorization.substring("Bearer ".length());
        if (token.startsWith(CLI)) {
            return cli(token);
        }
        return tokens.user(token);
    }

    private Optional<String> cli(String token) {
        String[] f = token.substring(CLI.length()).split("\\.", -1);
        if (f.length != 4 || !USER.matcher(f[0]).matches() || !f[1].matches("\\d{1,15}") || !f[2].matches("[0-9a-f]{24}")
                || !f[3].matches("[0-9a-f]{64}")) {
            return Optional.empty();
        }
        long expiry = Long.parseLong(f[1]);
        byte[] expected = mac(secret, f[0], expiry, f[2]).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, f[3].getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        long now = clock.getAsLong();
        if (now > expiry + SKEW_MS || expiry - now > LIFETIME_MS + SKEW_MS) {
            return Optional.empty();
        }
        synchronized (seen) {
            for (Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator(); it.hasNext(); ) {
                if (it.next().getValue() < now) {
                    it.remove();
                } else {
                    break;
                }
            }
            if (seen.containsKey(f[2]) || seen.size() >= MAX_SEEN) {
                return Optional.empty();
            }
            // each kept at least as long as the one before it, so the map stays in the order they expire
            lastKept = Math.max(expiry + SKEW_MS, lastKept);
            seen.put(f[2], lastKept);
        }
        return Optional.of("cli:" + f[0]);
    }

    private static String mac(Secret secret, String user, long expiry, String nonce) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((LABEL + user + "\n" + expiry + "\n" + nonce)
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
