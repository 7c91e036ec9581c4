package tandem.actions;

import java.time.Duration;

/** How messages spell durations: {@code 300ms}, {@code 2s}, {@code 1.5s}, {@code 2m}. */
final class Durations {
    private Durations() {
    }

    static String text(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms / 1000 + "." + String.format("%03d", ms % 1000).replaceAll("0+$", "") + "s";
    }

    static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
