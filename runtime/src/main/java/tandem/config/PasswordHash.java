package tandem.config;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The console password as {@code console.password-hash} keeps it (MS-8, MS-9): a salted PBKDF2 with
 * HMAC-SHA256 from the JDK, written {@code pbkdf2-sha256$ITERATIONS$SALT$HASH} with the salt (16 bytes)
 * and the derived key (32 bytes) in standard base64 without padding (the layout of the PHC string
 * format). PBKDF2 rather than bcrypt or argon2 because the JDK has it: no native library and no
 * dependency on either node. The salt makes two hashes of the same password differ, so the line must be
 * copied to the peer as it is (the peer link compares the hash, {@code tandem.link.Fingerprint}).
 *
 * <p>Messages of {@link #parse} say which part is wrong and never show the text: a plain password
 * written where the hash belongs must not end up in a terminal or a log.
 */
public final class PasswordHash {
    /** The scheme name, the text before the first {@code $}. */
    public static final String SCHEME = "pbkdf2-sha256";
    /** What {@link #create} uses: OWASP's 2021 advice for PBKDF2-HMAC-SHA256 (its 2023 advice is 600 000). */
    public static final int DEFAULT_ITERATIONS = 310_000;
    /** Fewer makes guessing from a leaked config too cheap; a hash below is refused. */
    public static final int MIN_ITERATIONS = 100_000;
    /**
     * More makes every console login a denial of service of the node's CPU (10 M is about half a minute on
     * a small VM); a hash above is refused rather than computed.
     */
    public static final int MAX_ITERATIONS = 10_000_000;
    static final int SALT_BYTES = 16;
    static final int KEY_BYTES = 32;
    static final String FORMAT = SCHEME + "$ITERATIONS$SALT$HASH";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt.clone();
        this.hash = hash.clone();
    }

    /**
     * A new hash of {@code password} with a fresh random salt and {@link #DEFAULT_ITERATIONS}. The caller
     * still owns {@code password} and should clear it.
     */
    public static PasswordHash create(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return create(password, salt, DEFAULT_ITERATIONS);
    }

    /** With a given salt and count: for test vectors that pin the format. */
    static PasswordHash create(char[] password, byte[] salt, int iterations) {
        Objects.requireNonNull(password, "password");
        if (salt.length != SALT_BYTES || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("salt must be " + SALT_BYTES + " bytes and iterations "
                    + MIN_ITERATIONS + ".." + MAX_ITERATIONS);
        }
        byte[] key = derive(password, salt, iterations);
        try {
            return new PasswordHash(iterations, salt, key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * Reads the text form.
     *
     * @throws IllegalArgumentException saying which part is wrong (never quoting the text)
     */
    public static PasswordHash parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.indexOf('$') < 0) {
            throw new IllegalArgumentException("has no $-separated fields (is it a plain password?)");
        }
        String[] parts = text.split("\\$", -1);
        if (!parts[0].equals(SCHEME)) {
            // the first field is not shown: it could be the start of a password
            throw new IllegalArgumentException("unknown scheme (the text before the first $ must be " + SCHEME + ")");
        }
        if (parts.length != 4) {
            throw new IllegalArgumentException("has " + parts.length + " $-separated fields, expected 4");
        }
        int iterations;
        if (!parts[1].matches("[0-9]{1,9}")) {
            throw new IllegalArgumentException("iterations (the second field) is not a whole number");
        }
        iterations = Integer.parseInt(parts[1]);
        if (iterations < MIN_ITERATIONS) {
            throw new IllegalArgumentException("iterations " + iterations + " is below " + MIN_ITERATIONS);
        }
        if (iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations " + iterations + " is above " + MAX_ITERATIONS
                    + " (every login would take that long)");
        }
        byte[] salt = base64("salt (the third field)", parts[2], SALT_BYTES);
        byte[] hash = base64("hash (the fourth field)", parts[3], KEY_BYTES);
        try {
            return new PasswordHash(iterations, salt, hash);
        } finally {
            Arrays.fill(hash, (byte) 0);
        }
    }

    /** Whether {@code password} is the one hashed; takes as long whichever byte differs. */
    public boolean matches(char[] password) {
        Objects.requireNonNull(password, "password");
        byte[] key = derive(password, salt, iterations);
        try {
            return MessageDigest.isEqual(key, hash);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** The text form, {@code pbkdf2-sha256$ITERATIONS$SALT$HASH}, what the config holds. */
    public String text() {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    public int iterations() {
        return iterations;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PasswordHash other && iterations == other.iterations && Arrays.equals(salt, other.salt)
                && MessageDigest.isEqual(hash, other.hash);
    }

    @Override
    public int hashCode() {
        return 31 * iterations + Arrays.hashCode(salt);
    }

    /** Scheme and count only, like {@link Secret}: a logged record shows no hash to guess against. */
    @Override
    public String toString() {
        return SCHEME + "$" + iterations + "$****";
    }

    private static byte[] base64(String what, String field, int length) {
        // one spelling only: the peer link compares the text, so a padded copy of the same hash would differ
        if (field.indexOf('=') >= 0) {
            throw new IllegalArgumentException(what + " must be base64 without padding ('=')");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(field);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not base64 (A-Z a-z 0-9 + /)");
        }
        if (bytes.length != length) {
            throw new IllegalArgumentException(what + " is " + bytes.length + " bytes, expected " + length);
        }
        if (!Base64.getEncoder().withoutPadding().encodeToString(bytes).equals(field)) {
            throw new IllegalArgumentException(what + " is not canonical base64 (its last character has bits set"
                    + " that encode nothing)");
        }
        return bytes;
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        // the SunJCE provider encodes the characters as UTF-8, as passlib and Python's hashlib do
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, KEY_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is missing from this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }
}
