package tandem.config;

import java.util.Objects;

/**
 * A password, key or shared secret read from a node file. Its {@link #toString()} is
 * {@code ****} so that logging a config record, or a fact holding one, never leaks it; only
 * {@link #reveal()} gives the value, and callers should pass that straight to where it is used.
 */
public final class Secret {
    private final String value;
    private final String source;

    private Secret(String value, String source) {
        this.value = Objects.requireNonNull(value, "value");
        this.source = Objects.requireNonNull(source, "source");
    }

    /** A secret written literally in the file. */
    public static Secret literal(String value) {
        return new Secret(value, "literal");
    }

    /**
     * A secret with a description of where it came from.
     *
     * @param source safe to print: {@code literal}, {@code env:NAME} or {@code file:PATH}
     */
    public static Secret of(String value, String source) {
        return new Secret(value, source);
    }

    /** The secret itself. Never log it. */
    public String reveal() {
        return value;
    }

    /** Where the value came from ({@code literal}, {@code env:NAME} or {@code file:PATH}); safe to print. */
    public String source() {
        return source;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "****";
    }
}
