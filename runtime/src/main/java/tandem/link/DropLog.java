package tandem.link;

import java.util.HashMap;
import java.util.Map;

/**
 * Keeps the WARN lines about dropped frames readable under a flood (a port scanner, a peer with the
 * wrong secret, someone replaying a capture): per link and reason, the first drop is logged, then at
 * most one line per {@link #EVERY_MILLIS}, which says how many were left out since. Counters in
 * {@link LinkCounters} still count every drop. The sync channel keeps its lines the same way.
 */
public final class DropLog {
    /** At most one WARN per link and reason in this many milliseconds. */
    public static final long EVERY_MILLIS = 10_000;

    private record Key(String link, String reason) {
    }

    private static final class Window {
        long loggedAt;
        long suppressed;
    }

    private final Map<Key, Window> windows = new HashMap<>();

    /**
     * Whether a drop at {@code nowMillis} is logged: -1 when not (it is counted as left out), else
     * the number of drops left out since the last line, which the line should mention.
     */
    synchronized long admit(String link, DropReason reason, long nowMillis) {
        return admit(link, reason.name(), nowMillis);
    }

    /** The same for any source (a link, a channel) and reason, named by the caller. */
    public synchronized long admit(String source, String reason, long nowMillis) {
        Key key = new Key(source, reason);
        Window w = windows.get(key);
        if (w == null) {
            w = new Window();
            w.loggedAt = nowMillis;
            windows.put(key, w);
            return 0;
        }
        if (nowMillis - w.loggedAt < EVERY_MILLIS && nowMillis >= w.loggedAt) {
            w.suppressed++;
            return -1;
        }
        long left = w.suppressed;
        w.loggedAt = nowMillis;
        w.suppressed = 0;
        return left;
    }
}
