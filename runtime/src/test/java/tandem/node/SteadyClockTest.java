package tandem.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The steady clock: monotonic, absorbs a step of the system clock by slewing at most 5 % of the time passed. */
class SteadyClockTest {
    private final AtomicLong wall = new AtomicLong(1_000_000);
    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final SteadyClock clock = new SteadyClock(wall::get, nanos::get);

    private void pass(long ms) {
        nanos.addAndGet(ms * 1_000_000L);
        wall.addAndGet(ms);
    }

    @Test
    void followsTheWallClockWhileItDoesNotStep() {
        assertThat(clock.millis()).isEqualTo(1_000_000);
        pass(1_500);
        assertThat(clock.millis()).isEqualTo(1_001_500);
    }

    @Test
    void aStepForwardIsAbsorbedByAtMostFivePercentOfTheTimeThatPassed() {
        clock.millis();
        wall.addAndGet(10_000); // the system clock jumps 10 s ahead
        pass(1_000);
        assertThat(clock.millis()).as("one second later: 1 s and 50 ms of the step").isEqualTo(1_001_050);
        for (int i = 0; i < 199; i++) {
            pass(1_000);
            clock.millis();
        }
        assertThat(clock.millis()).as("200 s later the step is absorbed").isEqualTo(wall.get());
    }

    @Test
    void aStepBackNeverMakesItGoBackwards() {
        long before = clock.millis();
        wall.addAndGet(-600_000); // ten minutes back
        long last = before;
        for (int i = 0; i < 100; i++) {
            pass(100);
            long now = clock.millis();
            assertThat(now).isGreaterThanOrEqualTo(last);
            assertThat(now - last).as("a 100 ms step of time reads as 95..105 ms").isBetween(94L, 106L);
            last = now;
        }
    }
}
