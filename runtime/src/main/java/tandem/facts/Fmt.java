package tandem.facts;

import java.time.Duration;
import tandem.config.Durations;

/** Formatting for the sentences rules write. */
public final class Fmt {
    private Fmt() {
    }

    /**
     * Milliseconds as every message spells a duration ({@link Durations#format}), e.g.
     * {@code 30000 -> "30s"}, {@code 300 -> "300ms"}, {@code 90000 -> "1m30s"}.
     */
    public static String secs(long ms) {
        return Durations.format(Duration.ofMillis(ms));
    }
}
