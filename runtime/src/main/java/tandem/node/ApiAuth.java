package tandem.node;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import tandem.config.Secret;

/**
 * The bearer token of a node's HTTP API: HMAC-SHA256 of a fixed label under the cluster secret. Whoever
 * can read the node's configuration (root, the service account) can operate the node; nobody else.
 * The token is the same on both nodes, so {@code tandem status} can ask the peer too.
 */
public final class ApiAuth {
    private static final String LABEL = "tandem-api-v1";

    private ApiAuth() {
    }

    public static String token(Secret secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(LABEL.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /**
     * True when {@code authorization} is exactly {@code Bearer <token>}: nothing around the token, not
     * even a space. Compared in constant time (for a given length of what was sent).
     */
    public static boolean accepts(String authorization, String token) {
        if (authorization == null) {
            return false;
        }
        byte[] given = authorization.getBytes(StandardCharsets.UTF_8);
        byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, expected);
    }
}
