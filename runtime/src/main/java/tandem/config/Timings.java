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
 * @param maxClockSkew      YAML {@code max-clock-skew}, 10ms..1h, default 5s (MS-12); the peer's clock may
 *                          differ by less than this before the resource {@code clock.peer} is down (the
 *                          rules decide, classify.drl); the peer link drops frames beyond 1 h in any case
 */
public record Timings(Duration heartbeatInterval, Duration checkInterval, Duration failoverTimeout, int rise, int fall,
                      Duration maxClockSkew) {
    public Timings {
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(checkInterval, "checkInterval");
        Objects.requireNonNull(failoverTimeout, "failoverTimeout");
        Objects.requireNonNull(maxClockSkew, "maxClockSkew");
    }

    /** Timings with the default clock-skew limit ({@link ProfileDefaults#MAX_CLOCK_SKEW}). */
    public Timings(Duration heartbeatInterval, Duration checkInterval, Duration failoverTimeout, int rise, int fall) {
        this(heartbeatInterval, checkInterval, failoverTimeout, rise, fall, ProfileDefaults.MAX_CLOCK_SKEW);
    }

    /**
     * The longest the peer link's dial waits for the peer to answer: two heartbeat intervals, between
     * 1 s and 10 s (derived, not configured).
     */
    public Duration dialTimeout() {
        return Duration.ofMillis(Math.min(10_000, Math.max(1_000, 2 * heartbeatInterval.toMillis())));
    }
}
