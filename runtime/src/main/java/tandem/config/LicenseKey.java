package tandem.config;

import java.util.Objects;
import java.util.Optional;

/**
 * A server license key of the redundancy profile (RED-3): the active node is identified by it, and
 * the standby refuses a backup that carries another one.
 *
 * <p>The manual gives the format {@code XXXXX-XXXXX-XXXXX-XXXXX} and examples such as
 * {@code XXXXX-YYYYY-ZZZZZ-11111}: four groups of five characters, separated by {@code -}, each an
 * upper-case letter {@code A-Z} or a digit. It names no excluded characters and no checksum, so
 * none is checked. Keys are compared exactly as written: the manual says nothing of lower case, so
 * a key in lower case is refused rather than silently changed; only whitespace around the key
 * (a copied key's trailing space) is dropped.
 */
public final class LicenseKey implements Comparable<LicenseKey> {
    /** Groups in a key. */
    public static final int GROUPS = 4;
    /** Characters in each group. */
    public static final int GROUP_LENGTH = 5;
    /** The manual's spelling of the format, for messages. */
    public static final String FORMAT = "XXXXX-XXXXX-XXXXX-XXXXX";

    private final String key;

    private LicenseKey(String key) {
        this.key = key;
    }

    /**
     * The key {@code text} denotes.
     *
     * @throws IllegalArgumentException saying what is wrong, e.g. "group 3 has 4 characters"
     */
    public static LicenseKey parse(String text) {
        Objects.requireNonNull(text, "text");
        Optional<String> problem = problem(text);
        if (problem.isPresent()) {
            throw new IllegalArgumentException("not a license key " + FORMAT + ": " + problem.get());
        }
        return new LicenseKey(text.strip());
    }

    /**
     * What is wrong with {@code text} as a license key, if anything: the first group that breaks the
     * format and how ("group 3 has 4 characters", "group 2 has the character '_' (only A-Z and 0-9)").
     */
    public static Optional<String> problem(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return Optional.of("it is empty");
        }
        String[] groups = t.split("-", -1);
        if (groups.length != GROUPS) {
            return Optional.of("it has " + groups.length + (groups.length == 1 ? " group" : " groups") + ", needs "
                    + GROUPS + " groups of " + GROUP_LENGTH + " separated by '-'");
        }
        for (int i = 0; i < groups.length; i++) {
            String g = groups[i];
            String which = "group " + (i + 1);
            for (int j = 0; j < g.length(); ) {
                int c = g.codePointAt(j);
                if (c >= 'a' && c <= 'z') {
                    return Optional.of(which + " has the lower-case letter '" + Character.toString(c)
                            + "' (license keys are written in upper case)");
                }
                if (!(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9')) {
                    return Optional.of(which + " has the character " + shown(c) + " (only A-Z and 0-9)");
                }
                j += Character.charCount(c);
            }
            int length = g.codePointCount(0, g.length());
            if (length != GROUP_LENGTH) {
                return Optional.of(which + " has " + length + (length == 1 ? " character" : " characters") + ", needs "
                        + GROUP_LENGTH);
            }
        }
        return Optional.empty();
    }

    private static String shown(int c) {
        return Character.isWhitespace(c) || Character.isISOControl(c)
                ? String.format("U+%04X", c)
                : "'" + Character.toString(c) + "'";
    }

    /** The key as written in the manual's format. */
    @Override
    public String toString() {
        return key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LicenseKey other && key.equals(other.key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public int compareTo(LicenseKey other) {
        return key.compareTo(other.key);
    }
}
