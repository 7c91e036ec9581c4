package tandem.link;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The system clock plus an offset a test can step, forward or back, as NTP or an operator would. */
final class SteppedClock extends Clock {
    private volatile Duration offset = Duration.ZERO;

    /** Moves the clock by {@code step} (negative: back). */
    void step(Duration step) {
        offset = offset.plus(step);
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset);
    }

    @Override
    public long millis() {
        return System.currentTimeMillis() + offset.toMillis();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("UTC only");
    }
}
