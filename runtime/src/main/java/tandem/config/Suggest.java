package tandem.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean" for unknown field names. */
public final class Suggest {
    private Suggest() {
    }

    /**
     * The valid name {@code unknown} most likely was meant to be: a small edit distance (typos, case,
     * camelCase or snake_case for kebab-case), else a valid name that is one of its dash-separated
     * words or a prefix of it ({@code fall-count} -> {@code fall}).
     */
    public static Optional<String> closest(String unknown, Collection<String> valid) {
        String u = squash(unknown);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : valid) {
            int d = distance(u, squash(candidate));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        if (best != null && bestDistance <= Math.max(2, squash(best).length() / 3)) {
            return Optional.of(best);
        }
        String lower = unknown.toLowerCase(Locale.ROOT);
        String longest = null;
        for (String candidate : valid) {
            boolean related = lower.startsWith(candidate) || candidate.startsWith(lower)
                    || ("-" + lower + "-").contains("-" + candidate + "-");
            if (related && (longest == null || candidate.length() > longest.length())) {
                longest = candidate;
            }
        }
        return Optional.ofNullable(longest);
    }

    /** Lower case without separators, so heartbeatInterval, heartbeat_interval and heartbeat-interval match. */
    private static String squash(String name) {
        return name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
