package tandem.config;

import java.time.Duration;
import java.util.Objects;

/**
 * YAML {@code timings:}. Every value defaults per profile ({@link ProfileDefaults}); the loader
 * enforces {@code check-interval x fall < failover-timeout} and
 * {@code heartbeat-interval x 2 <= failover-timeout}.
 *
 * @param heartbeatInterval YAML {@code heartbeat-interval}, &gt; 0; how often each node sends a heartbeat
 *                          to the peer
 * @param checkInterval     YAML {@code check-interval}, &gt; 0; how often the checkers run (MS-3: every
 *                          second for ms-failover)
 * @param failoverTimeout   YAML {@code failover-timeout}, &gt; 0; how long the active node may be
 *                          unavailable before it counts as failed (MS-3: 30 s for ms-failover)
 * @param rise              1..100; consecutive good checks before a resource counts as up
 *                          (keepalived's rise)
 * @param fall              1..100; consecutive failed checks before a resource counts as down
 *                          (keepalived's fall)
 */
public record Timings(Duration heartbeatInterval, Duration checkInterval, Duration failoverTimeout, int rise, int fall) {
    public Timings {
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(checkInterval, "checkInterval");
        Objects.requireNonNull(failoverTimeout, "failoverTimeout");
    }

    /**
     * The longest the peer link's dial waits for the peer to answer: two heartbeat intervals, between
     * 1 s and 10 s (derived, not configured).
     */
    public Duration dialTimeout() {
        return Duration.ofMillis(Math.min(10_000, Math.max(1_000, 2 * heartbeatInterval.toMillis())));
    }
}
