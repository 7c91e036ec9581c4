package tandem.facts;

import java.math.BigDecimal;

/** Formatting for the sentences rules write. */
public final class Fmt {
    private Fmt() {
    }

    /** Milliseconds as seconds, e.g. {@code 30000 -> "30 s"}, {@code 300 -> "0.3 s"}. */
    public static String secs(long ms) {
        return BigDecimal.valueOf(ms).movePointLeft(3).stripTrailingZeros().toPlainString() + " s";
    }
}
