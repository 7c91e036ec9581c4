package tandem.node;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;

/**
 * The node's clock for everything the rules time (silence of the peer, rise and fall, retries, the
 * pending actions): wall-clock time that never steps. It runs by the monotonic clock and follows the
 * wall clock only by slewing, at most {@link #SLEW} of the time that passed (50 ms a second), as
 * NTP's slew does. A step of the system clock (an operator's {@code date -s}, NTP correcting a large
 * offset, a VM restored from a snapshot) is therefore absorbed gradually: a 10 s step in 200 s, 10 min
 * in 200 min; meanwhile every duration measured is off by at most 5 %. Before this clock, a node whose
 * clock was stepped 10 s forward saw its peer silent for 10 s and took over (the fault suite's
 * clock-step faults found it). The peer link's clock-skew measurement (MS-12) reads the system clock
 * itself, so a step is still reported as {@code clock.peer} at once.
 */
public final class SteadyClock extends Clock {
    /** The largest share of the elapsed time by which this clock moves toward the wall clock. */
    static final double SLEW = 0.05;

    private final LongSupplier wallMillis;
    private final LongSupplier nanos;
    private long lastNanos;
    private double now;

    public SteadyClock() {
        this(System::currentTimeMillis, System::nanoTime);
    }

    SteadyClock(LongSupplier wallMillis, LongSupplier nanos) {
        this.wallMillis = wallMillis;
        this.nanos = nanos;
        this.lastNanos = nanos.getAsLong();
        this.now = wallMillis.getAsLong();
    }

    @Override
    public synchronized long millis() {
        long n = nanos.getAsLong();
        double elapsed = Math.max(0, n - lastNanos) / 1e6;
        lastNanos = n;
        double next = now + elapsed;
        double behind = wallMillis.getAsLong() - next;
        double most = elapsed * SLEW;
        now = next + Math.max(-most, Math.min(most, behind));
        return (long) Math.floor(now);
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (zone.equals(ZoneOffset.UTC)) {
            return this;
        }
        throw new UnsupportedOperationException("the steady clock is UTC only");
    }
}
