package tandem.config;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in node files: a whole number and a unit, {@code ms}, {@code s}, {@code m},
 * {@code h} or {@code d}, e.g. {@code 500ms}, {@code 30s}, {@code 5m}; parts may be combined
 * ({@code 1m30s}). A bare number is refused: "30" could be seconds or milliseconds.
 *
 * <p>Every message of Tandem spells a duration this way ({@link #format}), in logs, errors, probe
 * details and the rules' reasons alike, so that a timeout named in a message reads as the setting
 * that made it.
 */
public final class Durations {
    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:ms|s|m|h|d))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {
    }

    /** The duration {@code text} denotes, if it is one. */
    public static Optional<Duration> parse(String text) {
        String t = text.strip();
        if (!WHOLE.matcher(t).matches()) {
            return Optional.empty();
        }
        try {
            Duration total = Duration.ZERO;
            Matcher part = PART.matcher(t);
            while (part.find()) {
                long n = Long.parseLong(part.group(1));
                total = total.plus(switch (part.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
            }
            return Optional.of(total);
        } catch (ArithmeticException | NumberFormatException e) {
            return Optional.empty(); // too large for a Duration: not one a node file can mean
        }
    }

    /** The shortest spelling in the node-file syntax: {@code 30s}, {@code 5m}, {@code 1500ms}, {@code 1m30s}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder s = new StringBuilder(d.isNegative() ? "-" : "");
        long ms = Math.abs(d.toMillis());
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
        String[] units = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < sizes.length; i++) {
            if (ms >= sizes[i]) {
                s.append(ms / sizes[i]).append(units[i]);
                ms %= sizes[i];
            }
        }
        return s.toString();
    }
}
